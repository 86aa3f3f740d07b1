//! Generic storage: JSON DTOs ↔ SQLite rows, with webCRM's formats (unset ids 0, unset dates
//! `0001-01-01T00:00:00+00:00`, dates as `2018-06-28T08:32:21+00:00`).

use chrono::{DateTime, Utc};
use rusqlite::types::Value as Sql;
use rusqlite::{Connection, params_from_iter};
use serde_json::{Map, Value};

use super::ApiError;
use super::schema::{CustomRule, Entity, Ty, custom_rule};
use crate::oadate;

/// The display name written to `…CreatedBy`/`…UpdatedBy` for API writes.
pub const API_USER: &str = "API runner simulator";
/// webCRM's unset date.
pub const UNSET_DATE: &str = "0001-01-01T00:00:00+00:00";

/// Creates the tables.
pub fn create_tables(db: &Connection) -> rusqlite::Result<()> {
    for e in super::schema::ALL {
        db.execute(&e.create_sql(), [])?;
    }
    Ok(())
}

/// A row as the entity's DTO.
pub fn to_dto(e: &Entity, row: &rusqlite::Row<'_>) -> rusqlite::Result<Value> {
    let mut m = Map::new();
    for (name, ty) in e.fields() {
        let v: Sql = row.get(name.as_str())?;
        m.insert(name.clone(), from_sql(ty, v));
    }
    Ok(Value::Object(m))
}

fn from_sql(ty: &Ty, v: Sql) -> Value {
    match (ty, v) {
        (Ty::Int | Ty::Long, Sql::Integer(i)) => Value::from(i),
        (Ty::Int | Ty::Long, _) => Value::from(0),
        (Ty::Double, Sql::Real(f)) => Value::from(f),
        (Ty::Double, Sql::Integer(i)) => Value::from(i as f64),
        (Ty::Double, _) => Value::from(0.0),
        (Ty::Bool, Sql::Integer(i)) => Value::Bool(i != 0),
        (Ty::Bool, _) => Value::Bool(false),
        (Ty::Date, Sql::Real(f)) => Value::String(format_date(f)),
        (Ty::Date, _) => Value::String(UNSET_DATE.into()),
        (Ty::Enum(_), Sql::Text(s)) if !s.is_empty() => Value::String(s),
        (Ty::Enum(options), _) => Value::String(options.first().cloned().unwrap_or_default()),
        (Ty::Str, Sql::Text(s)) => Value::String(s),
        (Ty::Str, Sql::Integer(i)) => Value::String(i.to_string()),
        (Ty::Str, Sql::Real(f)) => Value::String(f.to_string()),
        (Ty::Str, _) => Value::String(String::new()),
    }
}

/// `2018-06-28T08:32:21+00:00`.
pub fn format_date(days: f64) -> String {
    oadate::to_datetime(days).map_or_else(
        || UNSET_DATE.to_string(),
        |d| d.format("%Y-%m-%dT%H:%M:%S+00:00").to_string(),
    )
}

/// Now as an OLE Automation date (whole seconds).
pub fn now() -> f64 {
    let secs = Utc::now().timestamp();
    oadate::from_datetime(DateTime::from_timestamp(secs, 0).unwrap_or_default())
}

/// Checks a JSON body against the DTO and turns it into columns. Server-managed fields (id,
/// created/updated) and unknown fields are ignored, as ASP.NET model binding does.
pub fn to_columns(e: &Entity, body: &Map<String, Value>) -> Result<Vec<(String, Sql)>, ApiError> {
    let managed = [
        e.id.to_string(),
        format!("{}CreatedAt", e.prefix),
        format!("{}CreatedBy", e.prefix),
        format!("{}UpdatedAt", e.prefix),
        format!("{}UpdatedBy", e.prefix),
    ];
    let mut out = Vec::new();
    for (name, ty) in e.fields() {
        if managed.contains(name) {
            continue;
        }
        let Some(v) = body.get(name) else { continue };
        let sql = to_sql(name, ty, v)?;
        if let (Some(rule), Sql::Text(s)) = (custom_rule(name), &sql) {
            check_custom(name, rule, s)?;
        }
        out.push((name.clone(), sql));
    }
    Ok(out)
}

fn to_sql(name: &str, ty: &Ty, v: &Value) -> Result<Sql, ApiError> {
    let bad = |want: &str| {
        ApiError::bad_request(
            format!("The field {name} must be {want}."),
            "ValidationException",
        )
    };
    if v.is_null() {
        return Ok(Sql::Null);
    }
    Ok(match ty {
        Ty::Int => Sql::Integer(
            v.as_i64()
                .filter(|i| i32::try_from(*i).is_ok())
                .ok_or_else(|| bad("a 32-bit integer"))?,
        ),
        Ty::Long => Sql::Integer(v.as_i64().ok_or_else(|| bad("an integer"))?),
        Ty::Double => Sql::Real(v.as_f64().ok_or_else(|| bad("a number"))?),
        Ty::Bool => Sql::Integer(i64::from(v.as_bool().ok_or_else(|| bad("true or false"))?)),
        Ty::Str => Sql::Text(v.as_str().ok_or_else(|| bad("a string"))?.to_string()),
        Ty::Enum(options) => {
            let s = v.as_str().ok_or_else(|| bad("a string"))?;
            let found = options
                .iter()
                .find(|o| o.eq_ignore_ascii_case(s))
                .ok_or_else(|| bad(&format!("one of {}", options.join(", "))))?;
            Sql::Text(found.clone())
        }
        Ty::Date => {
            let s = v.as_str().ok_or_else(|| bad("a date-time string"))?;
            if s.starts_with("0001-01-01") {
                Sql::Null
            } else {
                let d = DateTime::parse_from_rfc3339(s)
                    .map_err(|_| bad("a date-time such as 2018-06-28T08:32:21+02:00"))?;
                Sql::Real(oadate::from_datetime(d.with_timezone(&Utc)))
            }
        }
    })
}

fn check_custom(name: &str, rule: CustomRule, value: &str) -> Result<(), ApiError> {
    if value.is_empty() {
        return Ok(());
    }
    let ok = match rule {
        CustomRule::Checkbox => value == "Yes" || value == "No",
        CustomRule::List(options) => options.contains(&value),
    };
    if ok {
        return Ok(());
    }
    let allowed = match rule {
        CustomRule::Checkbox => "\"Yes\" or \"No\"".to_string(),
        CustomRule::List(options) => options
            .iter()
            .map(|o| format!("\"{o}\""))
            .collect::<Vec<_>>()
            .join(", "),
    };
    Err(ApiError::bad_request(
        format!(
            "The value \"{value}\" is not valid for {name}. Allowed values (case-sensitive): {allowed}."
        ),
        "ValidationException",
    ))
}

/// Inserts a row; returns its id.
pub fn insert(db: &Connection, e: &Entity, mut cols: Vec<(String, Sql)>) -> Result<i64, ApiError> {
    let now = now();
    audit(e, &mut cols, "Created", now);
    audit(e, &mut cols, "Updated", now);
    let names: Vec<&str> = cols.iter().map(|(n, _)| n.as_str()).collect();
    let marks = vec!["?"; cols.len()].join(", ");
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({marks})",
        e.table,
        names.join(", ")
    );
    db.execute(&sql, params_from_iter(cols.into_iter().map(|(_, v)| v)))
        .map_err(ApiError::db)?;
    Ok(db.last_insert_rowid())
}

/// Updates the given columns of a row; false when it does not exist.
pub fn update(
    db: &Connection,
    e: &Entity,
    id: i64,
    mut cols: Vec<(String, Sql)>,
) -> Result<bool, ApiError> {
    audit(e, &mut cols, "Updated", now());
    let sets: Vec<String> = cols.iter().map(|(n, _)| format!("{n} = ?")).collect();
    let sql = format!(
        "UPDATE {} SET {} WHERE {} = ?",
        e.table,
        sets.join(", "),
        e.id
    );
    let mut params: Vec<Sql> = cols.into_iter().map(|(_, v)| v).collect();
    params.push(Sql::Integer(id));
    let n = db
        .execute(&sql, params_from_iter(params))
        .map_err(ApiError::db)?;
    Ok(n > 0)
}

/// Sets `<prefix>CreatedAt/By` or `UpdatedAt/By` when the DTO has them.
fn audit(e: &Entity, cols: &mut Vec<(String, Sql)>, what: &str, now: f64) {
    let at = format!("{}{what}At", e.prefix);
    if e.fields().iter().any(|(n, _)| *n == at) {
        cols.push((at, Sql::Real(now)));
        cols.push((format!("{}{what}By", e.prefix), Sql::Text(API_USER.into())));
    }
}

/// One row as a DTO.
pub fn get(db: &Connection, e: &Entity, id: i64) -> Result<Option<Value>, ApiError> {
    let sql = format!("SELECT * FROM {} WHERE {} = ?", e.table, e.id);
    let mut st = db.prepare_cached(&sql).map_err(ApiError::db)?;
    let mut rows = st.query([id]).map_err(ApiError::db)?;
    match rows.next().map_err(ApiError::db)? {
        Some(r) => Ok(Some(to_dto(e, r).map_err(ApiError::db)?)),
        None => Ok(None),
    }
}

/// A page of rows, optionally filtered by one integer column.
pub fn list(
    db: &Connection,
    e: &Entity,
    page: Paging,
    filter: Option<(&str, i64)>,
) -> Result<Vec<Value>, ApiError> {
    let (clause, arg) = match filter {
        Some((col, v)) => (format!("WHERE {col} = ?"), Some(v)),
        None => (String::new(), None),
    };
    let sql = format!(
        "SELECT * FROM {} {clause} ORDER BY {} LIMIT ? OFFSET ?",
        e.table, e.id
    );
    let mut st = db.prepare_cached(&sql).map_err(ApiError::db)?;
    let mut params: Vec<i64> = arg.into_iter().collect();
    params.push(page.size);
    params.push((page.page - 1) * page.size);
    let rows = st
        .query_map(params_from_iter(params), |r| to_dto(e, r))
        .map_err(ApiError::db)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(ApiError::db)
}

/// Deletes a row; false when it does not exist.
pub fn delete(db: &Connection, e: &Entity, id: i64) -> Result<bool, ApiError> {
    let n = db
        .execute(&format!("DELETE FROM {} WHERE {} = ?", e.table, e.id), [id])
        .map_err(ApiError::db)?;
    Ok(n > 0)
}

/// `Page` (from 1) and `Size` (1..=1000).
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    /// Page number.
    pub page: i64,
    /// Page size.
    pub size: i64,
}
