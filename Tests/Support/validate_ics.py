#!/usr/bin/env python3
"""Checks an iCalendar file the way a calendar client would read it.

Gugus writes its ICS feeds by hand (Sources/GugusModel/Calendar/ICSCalendar.swift); this script
is the independent reader its tests compare against. It parses the file with the `icalendar`
package (Tests/Support/requirements.lock), checks the rules clients are strict about, and prints
what it understood as JSON, so the Swift test can compare instants and fields exactly.

Usage: validate_ics.py FILE [--events N]

Exit status: 0 valid, 1 problems found (listed in the JSON "problems"), 2 unreadable.
"""

import argparse
import datetime
import json
import sys

try:
    import icalendar
except ImportError:  # Say what to install instead of a traceback.
    print("validate_ics.py needs the icalendar package: scripts/python-env.sh, then run with .build/python/bin/python3",
          file=sys.stderr)
    sys.exit(2)

MAX_OCTETS = 75
STATUSES = {"CONFIRMED", "TENTATIVE", "CANCELLED"}


def utc_text(value):
    return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_lines(raw, problems):
    """RFC 5545 section 3.1: CRLF line ends, at most 75 octets a line, folds inside UTF-8 text."""
    if not raw.endswith(b"\r\n"):
        problems.append("the file does not end with CRLF")
    for number, line in enumerate(raw.split(b"\r\n")[:-1], start=1):
        if b"\n" in line or b"\r" in line:
            problems.append(f"line {number} has a bare CR or LF")
        if len(line) > MAX_OCTETS:
            problems.append(f"line {number} is {len(line)} octets, over {MAX_OCTETS}")
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(f"line {number} splits a UTF-8 character")


def local_offsets(calendar, problems):
    """The tzinfo each VTIMEZONE defines, built from its own rules rather than the system's
    zoneinfo, so a wrong offset in the file is caught even when the TZID is a real zone."""
    zones = {}
    for component in calendar.walk("VTIMEZONE"):
        tzid = str(component.get("TZID"))
        if tzid in zones:
            problems.append(f"VTIMEZONE {tzid} appears twice")
        zones[tzid] = component.to_tz(lookup_tzid=False)
    return zones


def check_time(event, name, zones, problems, uid):
    prop = event.get(name)
    if prop is None:
        problems.append(f"{uid}: no {name}")
        return None, None
    value = event.decoded(name)
    if not isinstance(value, datetime.datetime) or value.tzinfo is None:
        problems.append(f"{uid}: {name} is not a time with a zone: {value!r}")
        return None, None
    tzid = prop.params.get("TZID")
    if tzid is not None:
        zone = zones.get(tzid)
        if zone is None:
            problems.append(f"{uid}: {name} uses TZID {tzid} with no VTIMEZONE")
        else:
            # Re-read the local time through the file's own VTIMEZONE and compare instants.
            own = value.replace(tzinfo=None).replace(tzinfo=zone)
            if own.utcoffset() != value.utcoffset():
                problems.append(f"{uid}: {name} offset {value.utcoffset()} differs from its VTIMEZONE's {own.utcoffset()}")
    return value, tzid


def describe_event(event, zones, problems):
    uid = str(event.get("UID", ""))
    if not uid:
        problems.append("a VEVENT has no UID")
    if event.get("DTSTAMP") is None:
        problems.append(f"{uid}: no DTSTAMP")
        dtstamp = None
    else:
        dtstamp = event.decoded("DTSTAMP")
        if dtstamp.utcoffset() != datetime.timedelta(0):
            problems.append(f"{uid}: DTSTAMP is not in UTC")
    start, start_tzid = check_time(event, "DTSTART", zones, problems, uid)
    end, _ = check_time(event, "DTEND", zones, problems, uid)
    if start and end and end <= start:
        problems.append(f"{uid}: DTEND is not after DTSTART")
    status = str(event.get("STATUS", ""))
    if status and status not in STATUSES:
        problems.append(f"{uid}: unknown STATUS {status}")

    def text(name):
        value = event.get(name)
        return None if value is None else str(value)

    return {
        "uid": uid,
        "sequence": int(event.get("SEQUENCE", 0)),
        "status": status or None,
        "summary": text("SUMMARY"),
        "description": text("DESCRIPTION"),
        "location": text("LOCATION"),
        "url": text("URL"),
        "start_utc": utc_text(start) if start else None,
        "end_utc": utc_text(end) if end else None,
        "start_tzid": start_tzid,
        "start_offset_seconds": int(start.utcoffset().total_seconds()) if start else None,
        "dtstamp_utc": utc_text(dtstamp) if dtstamp else None,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--events", type=int, help="the number of VEVENTs expected")
    args = parser.parse_args()

    with open(args.file, "rb") as handle:
        raw = handle.read()
    problems = []
    check_lines(raw, problems)
    try:
        calendar = icalendar.Calendar.from_ical(raw)
        calendar.validate()
    except Exception as error:  # Any parse failure is the finding; report it plainly.
        print(f"{args.file}: not a valid iCalendar file: {error}", file=sys.stderr)
        sys.exit(2)

    if str(calendar.get("VERSION", "")) != "2.0":
        problems.append("VERSION is not 2.0")
    zones = local_offsets(calendar, problems)
    events = [describe_event(event, zones, problems) for event in calendar.walk("VEVENT")]
    if args.events is not None and len(events) != args.events:
        problems.append(f"expected {args.events} VEVENTs, found {len(events)}")

    print(json.dumps({
        "calendar": {
            "prodid": str(calendar.get("PRODID", "")),
            "method": str(calendar.get("METHOD", "")) or None,
            "name": str(calendar.get("X-WR-CALNAME", "")) or None,
        },
        "timezones": [
            {
                "tzid": str(component.get("TZID")),
                "tznames": [str(sub.get("TZNAME", "")) for sub in component.subcomponents],
            }
            for component in calendar.walk("VTIMEZONE")
        ],
        "events": events,
        "problems": problems,
    }, ensure_ascii=False, indent=2))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
