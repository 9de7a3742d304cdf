/// Day arithmetic on the proleptic Gregorian calendar, by Howard Hinnant's civil-date
/// algorithms: days since 1970-01-01 to a year, month and day, and back. The one place the
/// model does calendar arithmetic (CivilDate, JSON dates, e-mail Date headers), with no
/// calendar object, locale or time zone involved.
public enum Gregorian {
    /// Days since 1970-01-01 of a year, month (1–12) and day.
    public static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The year, month (1–12) and day of a count of days since 1970-01-01.
    public static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// The weekday of a count of days since 1970-01-01, Sunday being 0 (1970-01-01 was a
    /// Thursday, 4).
    public static func weekday(ofDays days: Int64) -> Int {
        Int(((days % 7) + 7 + 4) % 7)
    }
}
