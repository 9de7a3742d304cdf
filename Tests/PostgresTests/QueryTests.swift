import Foundation
import GugusTestSupport
import Postgres
import Testing

@Suite("Queries and decoding", .releasesResources)
struct QueryTests {
    @Test("interpolated values are parameters, never SQL")
    func interpolationBindsParameters() async throws {
        let connection = try await PostgresConnection.connect(try await TestDatabase.server())
        let hostile = "x'); DROP TABLE pg_class; --"
        let query: PostgresQuery = "SELECT \(hostile)::text AS value, \(42) AS answer"
        #expect(query.sql == "SELECT $1::text AS value, $2 AS answer")
        #expect(query.bindings.count == 2)
        let row = try #require(try await connection.query(query).single())
        #expect(try row.decode((String, Int).self) == (hostile, 42))
        await connection.close()
    }

    @Test("fragments compose and renumber their parameters")
    func fragmentsCompose() async throws {
        let connection = try await PostgresConnection.connect(try await TestDatabase.server())
        var query: PostgresQuery = "SELECT n FROM generate_series(1, 10) AS n WHERE n > \(3)"
        let upper: PostgresQuery = " AND n < \(7)"
        query.append(upper)
        query.append(" ORDER BY n")
        #expect(query.sql == "SELECT n FROM generate_series(1, 10) AS n WHERE n > $1 AND n < $2 ORDER BY n")
        let values = try await connection.query(query).decode(Int.self)
        #expect(values == [4, 5, 6])
        await connection.close()
    }

    @Test("raw SQL only through unsafeSQL")
    func unsafeSQL() async throws {
        let connection = try await PostgresConnection.connect(try await TestDatabase.server())
        let table = try await connection.escapeIdentifier("weird \"name\"")
        #expect(table == "\"weird \"\"name\"\"\"")
        let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT 1 AS \(table)"))
        #expect(rows.columns == ["weird \"name\""])
        await connection.close()
    }

    @Test("decodes every supported type, with NULL as an optional")
    func decodesTypes() async throws {
        let connection = try await PostgresConnection.connect(try await TestDatabase.server())
        let uuid = UUID()
        let bytes = Data([0, 1, 2, 254, 255])
        let instant = Date(timeIntervalSince1970: 1_746_496_800.123456)  // 2025-05-06T02:00:00.123456Z
        let row = try #require(try await connection.query("""
            SELECT true, 7::int2, 70000::int4, 9000000000::int8, 2.5::float8, 12345.678::numeric,
                   'Ternate'::text, \(instant), '2025-05-06'::date, \(uuid), \(bytes),
                   '{"ketua": 1, "anggota": 3}'::jsonb, ARRAY['a', 'b c', 'd"e']::text[], ARRAY[1, 2, 3]::int[],
                   NULL::text, '2025-05-06 09:00:00+07'::timestamptz
            """).single())
        let (flag, small, medium, large, double, numeric, text, timestamp) =
            try row.decode((Bool, Int16, Int32, Int64, Double, Decimal, String, Date).self)
        #expect(flag == true)
        #expect(small == 7)
        #expect(medium == 70000)
        #expect(large == 9_000_000_000)
        #expect(double == 2.5)
        #expect(numeric == Decimal(string: "12345.678"))
        #expect(text == "Ternate")
        #expect(abs(timestamp.timeIntervalSince(instant)) < 0.000_001)
        #expect(try row.column(at: 8).decode(Date.self) == Date(timeIntervalSince1970: 1_746_489_600))
        #expect(try row.column(at: 9).decode(UUID.self) == uuid)
        #expect(try row.column(at: 10).decode(Data.self) == bytes)
        #expect(try row.column(at: 11).decode(PostgresJSON<[String: Int]>.self).value == ["ketua": 1, "anggota": 3])
        #expect(try row.column(at: 12).decode([String].self) == ["a", "b c", "d\"e"])
        #expect(try row.column(at: 13).decode([Int].self) == [1, 2, 3])
        #expect(try row.column(at: 14).decode(String?.self) == nil)
        #expect(try row.column(at: 15).decode(Date.self) == Date(timeIntervalSince1970: 1_746_496_800))
        await connection.close()
    }

    @Test("parameters of every type round-trip")
    func parametersRoundTrip() async throws {
        let connection = try await PostgresConnection.connect(try await TestDatabase.server())
        let instant = Date(timeIntervalSince1970: 1_700_000_000.5)
        let tags = ["sosialisasi", "bimtek, \"daring\"", "back\\slash"]
        let row = try #require(try await connection.query("""
            SELECT \(true)::bool, \(Int16(3))::int2, \(Int32(4))::int4, \(Int64(5))::int8, \(1.25)::float8,
                   \(instant)::timestamptz, \(tags)::text[], \([7, 8])::int8[], \(Data("halo".utf8))::bytea,
                   \(PostgresJSON(["a": [1, 2]]))::jsonb, \(Optional<String>.none)::text
            """).single())
        let values = try row.decode((Bool, Int16, Int32, Int64, Double, Date, [String], [Int], Data, PostgresJSON<[String: [Int]]>, String?).self)
        #expect(values.0 == true && values.1 == 3 && values.2 == 4 && values.3 == 5 && values.4 == 1.25)
        #expect(values.5 == instant)
        #expect(values.6 == tags)
        #expect(values.7 == [7, 8])
        #expect(values.8 == Data("halo".utf8))
        #expect(values.9.value == ["a": [1, 2]])
        #expect(values.10 == nil)
        await connection.close()
    }

    struct Region: Decodable, Equatable {
        enum Level: String, Decodable { case province, regency }
        var code: String
        var name: String
        var timeZone: String
        var level: Level
        var regencies: Int?
        var missing: String?
    }

    @Test("rows decode into Decodable types by column name")
    func decodableRows() async throws {
        let connection = try await PostgresConnection.connect(try await TestDatabase.server())
        let regions = try await connection.query("""
            SELECT * FROM (VALUES ('82', 'Maluku Utara', 'Asia/Jayapura', 'province', 8),
                                  ('61', 'Kalimantan Barat', 'Asia/Pontianak', 'province', NULL))
                AS r(code, name, time_zone, level, regencies)
            ORDER BY code
            """).decode(as: Region.self)
        #expect(regions == [
            Region(code: "61", name: "Kalimantan Barat", timeZone: "Asia/Pontianak", level: .province, regencies: nil),
            Region(code: "82", name: "Maluku Utara", timeZone: "Asia/Jayapura", level: .province, regencies: 8),
        ])
        await connection.close()
    }

    @Test("a NULL into a non-optional, or a bad value, names the column")
    func decodingErrors() async throws {
        let connection = try await PostgresConnection.connect(try await TestDatabase.server())
        let row = try #require(try await connection.query("SELECT NULL::int AS count, 'abc' AS code").single())
        let nullError = #expect(throws: PostgresError.self) { try row.column("count").decode(Int.self) }
        #expect(nullError?.kind == .decoding)
        #expect(nullError?.message.contains("column 'count'") == true)
        #expect(nullError?.message.contains("unexpected NULL") == true)
        let badError = #expect(throws: PostgresError.self) { try row.column("code").decode(Int.self) }
        #expect(badError?.message.contains("column 'code' as Int") == true)
        // The value itself stays out of the message: it may be personal data.
        #expect(badError?.description.contains("abc") == false)
        let missing = #expect(throws: PostgresError.self) { try row.column("nope") }
        #expect(missing?.message == "no column 'nope' in the result (columns: count, code)")
        await connection.close()
    }

    @Test("parameter texts reach the server as written: NULLs, empty, multibyte, long, many")
    func parameterTexts() async throws {
        let connection = try await PostgresConnection.connect(try await TestDatabase.server())
        let long = String(repeating: "Gugus Tugas Daerah ", count: 10_000)
        let texts: [String?] = ["", nil, "Nusa Tenggara Timur · WITA", "漢字 🙂 é", long, nil, "x"]
        var query: PostgresQuery = "SELECT \(texts[0])::text"
        for text in texts.dropFirst() { query.append(", \(text)::text") }
        let row = try #require(try await connection.query(query).single())
        #expect(try texts.indices.map { try row.column(at: $0).decode(String?.self) } == texts)
        await connection.close()
    }

    @Test("columns are found by name in small and wide results, the first of a repeated name winning")
    func columnsByName() async throws {
        let connection = try await PostgresConnection.connect(try await TestDatabase.server())
        let narrow = try #require(try await connection.query("SELECT 1 AS a, 2 AS b, 3 AS a").single())
        #expect(try narrow.column("a").decode(Int.self) == 1)
        #expect(try narrow.column("b").decode(Int.self) == 2)
        let names = (1...12).map { "c\($0)" } + ["c3"]
        let select = names.enumerated().map { "\($0.offset + 1) AS \($0.element)" }.joined(separator: ", ")
        let wide = try #require(try await connection.query(PostgresQuery(unsafeSQL: "SELECT " + select)).single())
        #expect(try wide.column("c12").decode(Int.self) == 12)
        #expect(try wide.column("c3").decode(Int.self) == 3)
        #expect(throws: PostgresError.self) { try wide.column("c13") }
        await connection.close()
    }

    @Test("affected rows: a statement's count, or the row count where it reports none")
    func affectedRows() async throws {
        let connection = try await PostgresConnection.connect(try await TestDatabase.server())
        try await connection.execute("CREATE TEMPORARY TABLE counted (n int)")
        #expect(try await connection.execute("INSERT INTO counted SELECT generate_series(1, 1234)") == 1234)
        #expect(try await connection.execute("UPDATE counted SET n = n + 1 WHERE n > 1000") == 234)
        #expect(try await connection.execute("DELETE FROM counted WHERE n > 5000") == 0)
        #expect(try await connection.query("SELECT n FROM counted LIMIT 7").affectedRows == 7)
        #expect(try await connection.execute("SET search_path TO public") == 0)
        await connection.close()
    }
}
