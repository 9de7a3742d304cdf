-- Regions: the 38 provinces (Kemendagri codes), with room for regencies and cities.
--
-- A region's time zone is one of Indonesia's four IANA zones; its label (WIB, WITA, WIT)
-- follows from the zone, so it is derived rather than stored twice.

CREATE TABLE region (
    code text PRIMARY KEY
        CONSTRAINT region_code_format CHECK (code ~ '^[1-9][0-9](\.[0-9]{2})?$'),
    name text NOT NULL
        CONSTRAINT region_name_present CHECK (btrim(name) <> ''),
    level text NOT NULL
        CONSTRAINT region_level_valid CHECK (level IN ('province', 'regency', 'city')),
    parent_code text REFERENCES region (code),
    time_zone text NOT NULL
        CONSTRAINT region_time_zone_indonesian
        CHECK (time_zone IN ('Asia/Jakarta', 'Asia/Pontianak', 'Asia/Makassar', 'Asia/Jayapura')),
    zone_label text NOT NULL GENERATED ALWAYS AS (
        CASE time_zone
            WHEN 'Asia/Makassar' THEN 'WITA'
            WHEN 'Asia/Jayapura' THEN 'WIT'
            ELSE 'WIB'
        END) STORED,
    -- How many regencies and cities a province has (Kemendagri), for coverage figures.
    regencies integer CONSTRAINT region_regencies_non_negative CHECK (regencies >= 0),
    cities integer CONSTRAINT region_cities_non_negative CHECK (cities >= 0),
    -- A province has no parent; a regency or city belongs to a province, and its code
    -- starts with the province's ('82.71' is in '82').
    CONSTRAINT region_parent_by_level CHECK ((level = 'province') = (parent_code IS NULL)),
    CONSTRAINT region_code_in_parent CHECK (parent_code IS NULL OR code LIKE parent_code || '.%')
);

CREATE INDEX region_parent_idx ON region (parent_code) WHERE parent_code IS NOT NULL;

INSERT INTO region (code, name, level, time_zone, regencies, cities)
SELECT code, name, 'province', time_zone, regencies, cities
FROM (VALUES
    ('11', 'Aceh', 'Asia/Jakarta', 18, 5),
    ('12', 'Sumatera Utara', 'Asia/Jakarta', 25, 8),
    ('13', 'Sumatera Barat', 'Asia/Jakarta', 12, 7),
    ('14', 'Riau', 'Asia/Jakarta', 10, 2),
    ('15', 'Jambi', 'Asia/Jakarta', 9, 2),
    ('16', 'Sumatera Selatan', 'Asia/Jakarta', 13, 4),
    ('17', 'Bengkulu', 'Asia/Jakarta', 9, 1),
    ('18', 'Lampung', 'Asia/Jakarta', 13, 2),
    ('19', 'Kepulauan Bangka Belitung', 'Asia/Jakarta', 6, 1),
    ('21', 'Kepulauan Riau', 'Asia/Jakarta', 5, 2),
    ('31', 'Daerah Khusus Jakarta', 'Asia/Jakarta', 1, 5),
    ('32', 'Jawa Barat', 'Asia/Jakarta', 18, 9),
    ('33', 'Jawa Tengah', 'Asia/Jakarta', 29, 6),
    ('34', 'Daerah Istimewa Yogyakarta', 'Asia/Jakarta', 4, 1),
    ('35', 'Jawa Timur', 'Asia/Jakarta', 29, 9),
    ('36', 'Banten', 'Asia/Jakarta', 4, 4),
    ('51', 'Bali', 'Asia/Makassar', 8, 1),
    ('52', 'Nusa Tenggara Barat', 'Asia/Makassar', 8, 2),
    ('53', 'Nusa Tenggara Timur', 'Asia/Makassar', 21, 1),
    ('61', 'Kalimantan Barat', 'Asia/Pontianak', 12, 2),
    ('62', 'Kalimantan Tengah', 'Asia/Pontianak', 13, 1),
    ('63', 'Kalimantan Selatan', 'Asia/Makassar', 11, 2),
    ('64', 'Kalimantan Timur', 'Asia/Makassar', 7, 3),
    ('65', 'Kalimantan Utara', 'Asia/Makassar', 4, 1),
    ('71', 'Sulawesi Utara', 'Asia/Makassar', 11, 4),
    ('72', 'Sulawesi Tengah', 'Asia/Makassar', 12, 1),
    ('73', 'Sulawesi Selatan', 'Asia/Makassar', 21, 3),
    ('74', 'Sulawesi Tenggara', 'Asia/Makassar', 15, 2),
    ('75', 'Gorontalo', 'Asia/Makassar', 5, 1),
    ('76', 'Sulawesi Barat', 'Asia/Makassar', 6, 0),
    ('81', 'Maluku', 'Asia/Jayapura', 9, 2),
    ('82', 'Maluku Utara', 'Asia/Jayapura', 8, 2),
    ('91', 'Papua', 'Asia/Jayapura', 8, 1),
    ('92', 'Papua Barat', 'Asia/Jayapura', 7, 0),
    ('93', 'Papua Selatan', 'Asia/Jayapura', 4, 0),
    ('94', 'Papua Tengah', 'Asia/Jayapura', 8, 0),
    ('95', 'Papua Pegunungan', 'Asia/Jayapura', 8, 0),
    ('96', 'Papua Barat Daya', 'Asia/Jayapura', 5, 1)
) AS province (code, name, time_zone, regencies, cities);
