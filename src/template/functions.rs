//! The helpers every template can call: `env`, `uuid`, `now`, `timestamp`, `random_int`,
//! `oadate` (also a filter).

use chrono::format::{Item, StrftimeItems};
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use minijinja::value::Value;
use minijinja::{Environment, Error, ErrorKind};

/// Registers the helpers.
pub fn register(env: &mut Environment<'static>) {
    env.add_function("env", env_var);
    env.add_function("uuid", || uuid::Uuid::new_v4().to_string());
    env.add_function("now", now);
    env.add_function("timestamp", || Utc::now().timestamp());
    env.add_function("random_int", random_int);
    env.add_function("oadate", oadate);
    env.add_filter("oadate", oadate);
}

fn env_var(name: String, default: Option<Value>) -> Result<Value, Error> {
    match std::env::var(&name) {
        Ok(v) => Ok(Value::from(v)),
        Err(_) => default.ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!(
                    "environment variable {name} is not set (set it, or give a default: env(\"{name}\", \"…\"))"
                ),
            )
        }),
    }
}

fn now(format: Option<String>) -> Result<String, Error> {
    let format = format.unwrap_or_else(|| "%Y-%m-%dT%H:%M:%S%:z".to_string());
    if StrftimeItems::new(&format).any(|i| matches!(i, Item::Error)) {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("now(): invalid strftime format {format:?}"),
        ));
    }
    Ok(chrono::Local::now().format(&format).to_string())
}

fn random_int(low: i64, high: i64) -> Result<i64, Error> {
    if high < low {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("random_int({low}, {high}): the first bound must not exceed the second"),
        ));
    }
    let span = (high as i128 - low as i128 + 1) as u128;
    let r = uuid::Uuid::new_v4().as_u128() % span;
    Ok((low as i128 + r as i128) as i64)
}

/// OLE Automation date (days since 1899-12-30, fraction = time of day), as webCRM queries use.
/// `oadate()` is now; a string is an RFC 3339 date-time, `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DD`
/// (UTC); a number is Unix seconds.
fn oadate(value: Option<Value>) -> Result<f64, Error> {
    let at: DateTime<Utc> = match value {
        None => Utc::now(),
        Some(v) if v.is_none() || v.is_undefined() => Utc::now(),
        Some(v) => {
            if let Some(s) = v.as_str() {
                parse_date(s).ok_or_else(|| {
                    Error::new(
                        ErrorKind::InvalidOperation,
                        format!("oadate(): cannot read {s:?} as a date (use 2020-01-23 or 2020-01-23T10:53:00+01:00)"),
                    )
                })?
            } else if let Ok(secs) = f64::try_from(v.clone()) {
                Utc.timestamp_millis_opt((secs * 1000.0) as i64)
                    .single()
                    .ok_or_else(|| {
                        Error::new(
                            ErrorKind::InvalidOperation,
                            "oadate(): timestamp out of range",
                        )
                    })?
            } else {
                return Err(Error::new(
                    ErrorKind::InvalidOperation,
                    "oadate() takes a date string or Unix seconds",
                ));
            }
        }
    };
    Ok(crate::oadate::from_datetime(at))
}

fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    for f in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, f) {
            return Some(d.and_utc());
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oadate_matches_webcrm_examples() {
        // 43853.4536689814 is 2020-01-23 10:53:17 (webCRM's docs).
        let v = oadate(Some(Value::from("2020-01-23T10:53:17+00:00"))).unwrap();
        assert!((v - 43853.4536689814).abs() < 1e-5, "{v}");
        assert_eq!(oadate(Some(Value::from("1899-12-31"))).unwrap(), 1.0);
    }

    #[test]
    fn random_int_is_in_range() {
        for _ in 0..100 {
            let r = random_int(3, 5).unwrap();
            assert!((3..=5).contains(&r));
        }
        assert!(random_int(5, 3).is_err());
    }
}
