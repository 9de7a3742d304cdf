/// Indonesia's 38 provinces as a tile grid: one equal square each, placed roughly where the
/// province lies, west to east (Aceh top left, the Papua provinces on the right), as
/// newsrooms draw the states of a country.
enum TileMap {
    struct Tile {
        let code: String
        /// The short name a tile can hold.
        let short: String
        let column: Int
        let row: Int
    }

    static let columns = 15
    static let rows = 8

    static let tiles: [Tile] = [
        Tile(code: "11", short: "Aceh", column: 0, row: 0),
        Tile(code: "12", short: "Sumut", column: 1, row: 1),
        Tile(code: "13", short: "Sumbar", column: 1, row: 2),
        Tile(code: "14", short: "Riau", column: 2, row: 2),
        Tile(code: "21", short: "Kepri", column: 3, row: 2),
        Tile(code: "17", short: "Bengkulu", column: 1, row: 3),
        Tile(code: "15", short: "Jambi", column: 2, row: 3),
        Tile(code: "19", short: "Babel", column: 3, row: 3),
        Tile(code: "16", short: "Sumsel", column: 2, row: 4),
        Tile(code: "18", short: "Lampung", column: 3, row: 5),
        Tile(code: "31", short: "Jakarta", column: 5, row: 5),
        Tile(code: "36", short: "Banten", column: 4, row: 6),
        Tile(code: "32", short: "Jabar", column: 5, row: 6),
        Tile(code: "33", short: "Jateng", column: 6, row: 6),
        Tile(code: "34", short: "DIY", column: 6, row: 7),
        Tile(code: "35", short: "Jatim", column: 7, row: 6),
        Tile(code: "51", short: "Bali", column: 8, row: 6),
        Tile(code: "52", short: "NTB", column: 9, row: 6),
        Tile(code: "53", short: "NTT", column: 10, row: 6),
        Tile(code: "61", short: "Kalbar", column: 5, row: 2),
        Tile(code: "62", short: "Kalteng", column: 6, row: 3),
        Tile(code: "63", short: "Kalsel", column: 7, row: 3),
        Tile(code: "64", short: "Kaltim", column: 7, row: 2),
        Tile(code: "65", short: "Kaltara", column: 7, row: 1),
        Tile(code: "75", short: "Gtlo", column: 9, row: 1),
        Tile(code: "71", short: "Sulut", column: 10, row: 1),
        Tile(code: "72", short: "Sulteng", column: 9, row: 2),
        Tile(code: "76", short: "Sulbar", column: 8, row: 3),
        Tile(code: "74", short: "Sultra", column: 9, row: 3),
        Tile(code: "73", short: "Sulsel", column: 8, row: 4),
        Tile(code: "82", short: "Malut", column: 11, row: 1),
        Tile(code: "81", short: "Maluku", column: 11, row: 3),
        Tile(code: "96", short: "PBD", column: 12, row: 2),
        Tile(code: "92", short: "Pabar", column: 13, row: 2),
        Tile(code: "91", short: "Papua", column: 14, row: 2),
        Tile(code: "94", short: "Papteng", column: 13, row: 3),
        Tile(code: "95", short: "Papeg", column: 14, row: 3),
        Tile(code: "93", short: "Papsel", column: 14, row: 4),
    ]

    static let byCode: [String: Tile] = Dictionary(uniqueKeysWithValues: tiles.map { ($0.code, $0) })
}
