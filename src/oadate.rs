//! OLE Automation dates (days since 1899-12-30, the fraction is the time of day), as webCRM's
//! `/Queries` returns and compares them. Shared by the `oadate` template helper and the simulator.

use chrono::{DateTime, NaiveDate, Utc};

fn epoch() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(1899, 12, 30)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
        .unwrap_or_default()
}

/// A date-time as an OLE Automation date.
pub fn from_datetime(at: DateTime<Utc>) -> f64 {
    (at - epoch()).num_milliseconds() as f64 / 86_400_000.0
}

/// An OLE Automation date as a date-time (whole seconds).
pub fn to_datetime(days: f64) -> Option<DateTime<Utc>> {
    if !days.is_finite() || days.abs() > 3_000_000.0 {
        return None;
    }
    let secs = (days * 86_400.0).round() as i64;
    Some(epoch() + chrono::Duration::seconds(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let at = DateTime::parse_from_rfc3339("2020-01-23T10:53:17+00:00")
            .unwrap()
            .with_timezone(&Utc);
        let d = from_datetime(at);
        assert!((d - 43853.4536689814).abs() < 1e-6, "{d}");
        assert_eq!(to_datetime(d), Some(at));
    }
}
