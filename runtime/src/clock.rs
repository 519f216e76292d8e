//! The time source of `dttm` values, replaceable so that tests sign reproducible messages.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::schema::TimeZone;

/// Where the engine reads the time it stamps into `dttm` fields; the signature covers them, so
/// a test fixes the time to reproduce a gateway's published vector.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The instant to stamp into the next request.
    fn now(&self) -> SystemTime;
}

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock that always shows the same instant.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub SystemTime);

impl FixedClock {
    /// The clock stopped `secs` seconds after 1970-01-01 UTC, the form gateway examples give.
    pub fn from_unix(secs: u64) -> Self {
        FixedClock(UNIX_EPOCH + Duration::from_secs(secs))
    }
}

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        self.0
    }
}

/// `t` as `YYYYMMDDHHMMSS` wall-clock time in `zone`, sub-seconds dropped.
pub fn format_dttm(t: SystemTime, zone: TimeZone) -> String {
    let utc = unix_seconds(t);
    let local = utc + offset_seconds(utc, zone);
    let (days, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}{:02}{:02}{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Instants further out than this are clamped: the calendar arithmetic below stays far from
/// overflow, and such a clock is broken anyway (it is some 34,000 years).
const MAX_ABS_SECONDS: u64 = 1 << 40;

/// Seconds since the epoch, rounded down, for instants on either side of it.
fn unix_seconds(t: SystemTime) -> i64 {
    let (d, before) = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => (d, false),
        Err(e) => (e.duration(), true),
    };
    // Lossless: the value is at most 2^40.
    let whole = d.as_secs().min(MAX_ABS_SECONDS) as i64;
    if before {
        -whole - i64::from(d.subsec_nanos() > 0)
    } else {
        whole
    }
}

fn offset_seconds(utc: i64, zone: TimeZone) -> i64 {
    match zone {
        TimeZone::Utc => 0,
        TimeZone::EuropePrague if in_eu_summer_time(utc) => 2 * 3600,
        TimeZone::EuropePrague => 3600,
    }
}

/// The EU rule (in force since 1996): summer time runs from 01:00 UTC on the last Sunday of March
/// to 01:00 UTC on the last Sunday of October. Both switches fall inside one UTC year, so that
/// year's boundaries decide.
fn in_eu_summer_time(utc: i64) -> bool {
    let (year, _, _) = civil_from_days(utc.div_euclid(86_400));
    let start = last_sunday(year, 3) * 86_400 + 3600;
    let end = last_sunday(year, 10) * 86_400 + 3600;
    (start..end).contains(&utc)
}

/// Days since the epoch of the last Sunday of a 31-day month.
fn last_sunday(year: i64, month: i64) -> i64 {
    let last = days_from_civil(year, month, 31);
    // 1970-01-01 was a Thursday: +4 makes Sunday 0.
    last - (last + 4).rem_euclid(7)
}

// Howard Hinnant's civil calendar algorithms (proleptic Gregorian, eras of 400 years): exact for
// every day without a time zone database.

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prague(secs: u64) -> String {
        format_dttm(FixedClock::from_unix(secs).now(), TimeZone::EuropePrague)
    }

    /// Seconds of a UTC civil time, computed independently of the code under test.
    fn utc(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64) -> u64 {
        (days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s) as u64
    }

    #[test]
    fn utc_formatting() {
        assert_eq!(format_dttm(UNIX_EPOCH, TimeZone::Utc), "19700101000000");
        // 2022-01-25T12:15:59Z, the instant of the ČSOB examples (13:15:59 in Prague).
        assert_eq!(
            format_dttm(FixedClock::from_unix(1_643_112_959).now(), TimeZone::Utc),
            "20220125121559"
        );
        assert_eq!(prague(1_643_112_959), "20220125131559");
        assert_eq!(
            format_dttm(UNIX_EPOCH + Duration::from_millis(999), TimeZone::Utc),
            "19700101000000"
        );
        assert_eq!(
            format_dttm(UNIX_EPOCH - Duration::from_millis(1), TimeZone::Utc),
            "19691231235959"
        );
        assert_eq!(
            format_dttm(FixedClock::from_unix(951_782_400).now(), TimeZone::Utc),
            "20000229000000"
        );
    }

    #[test]
    fn prague_spring_switch() {
        assert_eq!(prague(utc(2024, 3, 31, 0, 59, 59)), "20240331015959");
        assert_eq!(prague(utc(2024, 3, 31, 1, 0, 0)), "20240331030000");
    }

    #[test]
    fn prague_autumn_switch() {
        assert_eq!(prague(utc(2024, 10, 27, 0, 59, 59)), "20241027025959");
        assert_eq!(prague(utc(2024, 10, 27, 1, 0, 0)), "20241027020000");
    }

    #[test]
    fn prague_switch_dates_follow_the_calendar() {
        // 2025: last Sundays are 30 March and 26 October.
        assert_eq!(prague(utc(2025, 3, 30, 0, 59, 59)), "20250330015959");
        assert_eq!(prague(utc(2025, 3, 30, 1, 0, 0)), "20250330030000");
        assert_eq!(prague(utc(2025, 10, 26, 0, 59, 59)), "20251026025959");
        assert_eq!(prague(utc(2025, 10, 26, 1, 0, 0)), "20251026020000");
        // The week before the switch is still winter time.
        assert_eq!(prague(utc(2025, 3, 23, 12, 0, 0)), "20250323130000");
        // A New Year's Eve rolls over into the next year in Prague first.
        assert_eq!(prague(utc(2024, 12, 31, 23, 30, 0)), "20250101003000");
        assert_eq!(prague(utc(2024, 7, 1, 22, 0, 0)), "20240702000000");
    }

    #[test]
    fn calendar_round_trip() {
        for days in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn extreme_instants_do_not_panic() {
        for secs in [1 << 40, (1 << 40) + 1, i64::MAX as u64 / 2] {
            for t in [
                UNIX_EPOCH.checked_add(Duration::from_secs(secs)),
                UNIX_EPOCH.checked_sub(Duration::from_secs(secs)),
            ]
            .into_iter()
            .flatten()
            {
                assert!(format_dttm(t, TimeZone::EuropePrague).len() >= 14);
            }
        }
    }
}
