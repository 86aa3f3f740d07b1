//! The API routes (after authentication): generic CRUD for the stored entities, quotation
//! lines with the linked-data rules, the product catalogue, and `/Queries`.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use rusqlite::Connection;
use rusqlite::types::Value as Sql;
use serde_json::{Map, Value, json};

use super::schema::{
    DELIVERY, Entity, LINKED_DATA, OPPORTUNITY, ORGANISATION, PERSON, QUOTATION_LINE,
};
use super::store::{self, Paging};
use super::{ApiError, Sim};

/// One request, with the path split into lower-case segments and query names lower-cased.
pub struct Req<'a> {
    /// Method.
    pub method: &'a Method,
    /// Lower-case path segments.
    pub segs: &'a [&'a str],
    /// Query with lower-case names.
    pub query: &'a HashMap<String, String>,
    /// Headers.
    pub headers: &'a HeaderMap,
    /// Body.
    pub body: &'a Bytes,
    /// The path as sent (for messages).
    pub path: &'a str,
}

type Res = Result<Response, ApiError>;

/// Dispatches an authenticated request.
pub fn route(sim: &Sim, req: &Req<'_>) -> Res {
    let db = sim
        .db
        .lock()
        .map_err(|_| ApiError::bad_request("database lock poisoned", "ServerException"))?;
    let m = req.method;
    match req.segs {
        ["queries"] if m == Method::GET => queries(&db, req),
        ["quotationlines", ..] => quotation_routes(sim, &db, req),
        [
            parent @ ("opportunities" | "deliveries"),
            id,
            "quotationlines",
        ] if m == Method::GET => {
            let id = parse_id(id)?;
            let e = if *parent == "deliveries" {
                &DELIVERY
            } else {
                &OPPORTUNITY
            };
            if store::get(&db, e, id)?.is_none() {
                return Err(ApiError::not_found(format!(
                    "{} {id} was not found",
                    e.table
                )));
            }
            list(
                &db,
                &QUOTATION_LINE,
                req,
                Some(("QuotationLineOpportunityId", id)),
            )
        }
        [
            name @ ("persons" | "opportunities" | "deliveries"),
            "byorganisation",
            id,
        ] if m == Method::GET => {
            let e = entity(name).unwrap_or(&PERSON);
            let column = format!("{}OrganisationId", e.prefix);
            list(&db, e, req, Some((&column, parse_id(id)?)))
        }
        [
            "organisations",
            id,
            child @ ("persons" | "opportunities" | "deliveries"),
        ] if m == Method::GET => {
            let id = parse_id(id)?;
            if store::get(&db, &ORGANISATION, id)?.is_none() {
                return Err(ApiError::not_found(format!(
                    "Organisation {id} was not found"
                )));
            }
            let e = entity(child).unwrap_or(&PERSON);
            let column = format!("{}OrganisationId", e.prefix);
            list(&db, e, req, Some((&column, id)))
        }
        [name] => match entity(name) {
            Some(e) => match *m {
                Method::GET => list(&db, e, req, None),
                Method::POST => create(&db, e, req),
                _ => not_allowed(req),
            },
            None => no_route(req),
        },
        [name, id] => match entity(name) {
            Some(e) => one(&db, e, req, parse_id(id)?),
            None => no_route(req),
        },
        _ => no_route(req),
    }
}

/// `/QuotationLines…`: lines, the catalogue (linked data) and its setup.
fn quotation_routes(sim: &Sim, db: &Connection, req: &Req<'_>) -> Res {
    let m = req.method;
    match req.segs {
        ["quotationlines", "linkedsetup"] if m == Method::GET => {
            Ok(json_ok(linked_setup(sim.cfg.linked_data)))
        }
        ["quotationlines", "linkeddata"] => match *m {
            Method::GET => Ok(json_ok(Value::Array(store::list(
                db,
                &LINKED_DATA,
                Paging {
                    page: 1,
                    size: i64::MAX / 2,
                },
                None,
            )?))),
            Method::POST => create_linked(db, req),
            Method::DELETE => {
                db.execute("DELETE FROM LinkedData", [])
                    .map_err(ApiError::db)?;
                Ok(empty())
            }
            _ => not_allowed(req),
        },
        ["quotationlines", "linkeddata", id] => one_linked(db, req, parse_id(id)?),
        ["quotationlines"] => match *m {
            Method::GET => list(db, &QUOTATION_LINE, req, None),
            Method::POST => create_line(sim, db, req),
            _ => not_allowed(req),
        },
        ["quotationlines", id] => one_line(sim, db, req, parse_id(id)?),
        _ => no_route(req),
    }
}

fn entity(seg: &str) -> Option<&'static Entity> {
    Some(match seg {
        "persons" => &PERSON,
        "organisations" => &ORGANISATION,
        "opportunities" => &OPPORTUNITY,
        "deliveries" => &DELIVERY,
        _ => return None,
    })
}

fn json_ok(v: Value) -> Response {
    super::json_response(StatusCode::OK, &v)
}

fn empty() -> Response {
    StatusCode::OK.into_response()
}

fn no_route(req: &Req<'_>) -> Res {
    Err(ApiError::not_found(format!(
        "No route for {} {}",
        req.method, req.path
    )))
}

fn not_allowed(req: &Req<'_>) -> Res {
    Err(ApiError {
        status: StatusCode::METHOD_NOT_ALLOWED,
        message: format!("{} is not allowed on {}", req.method, req.path),
        kind: "MethodNotAllowedException",
    })
}

fn parse_id(s: &str) -> Result<i64, ApiError> {
    s.parse::<i32>().map(i64::from).map_err(|_| {
        ApiError::bad_request(
            format!("The value '{s}' is not a valid id."),
            "ValidationException",
        )
    })
}

fn paging(req: &Req<'_>) -> Result<Paging, ApiError> {
    let num = |name: &str, default: i64| -> Result<i64, ApiError> {
        match req.query.get(name) {
            None => Ok(default),
            Some(v) => v.trim().parse::<i64>().map_err(|_| {
                ApiError::bad_request(
                    format!("The value '{v}' is not valid for {}.", capitalise(name)),
                    "ValidationException",
                )
            }),
        }
    };
    let page = num("page", 1)?;
    let size = num("size", 50)?;
    if page < 1 {
        return Err(ApiError::bad_request(
            "Page must be 1 or greater.",
            "ValidationException",
        ));
    }
    if !(1..=1000).contains(&size) {
        return Err(ApiError::bad_request(
            "Size must be between 1 and 1000.",
            "ValidationException",
        ));
    }
    Ok(Paging { page, size })
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

fn body_object(req: &Req<'_>) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(req.body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(ApiError::bad_request(
            "The request body must be a JSON object.",
            "ValidationException",
        )),
        Err(e) => Err(ApiError::bad_request(
            format!("The request body is not valid JSON: {e}"),
            "ValidationException",
        )),
    }
}

/// A new record must come with id 0 (or none).
fn require_new(e: &Entity, body: &Map<String, Value>) -> Result<(), ApiError> {
    match body.get(e.id) {
        None | Some(Value::Null) => Ok(()),
        Some(v) if v.as_i64() == Some(0) => Ok(()),
        Some(v) => Err(ApiError::bad_request(
            format!("{} must be 0 when creating, got {v}.", e.id),
            "ValidationException",
        )),
    }
}

/// On update the id in the body, when given and not 0, must match the path.
fn require_same(e: &Entity, body: &Map<String, Value>, id: i64) -> Result<(), ApiError> {
    match body.get(e.id).and_then(Value::as_i64) {
        None | Some(0) => Ok(()),
        Some(b) if b == id => Ok(()),
        Some(b) => Err(ApiError::bad_request(
            format!(
                "{} in the body ({b}) does not match the id in the path ({id}).",
                e.id
            ),
            "ValidationException",
        )),
    }
}

fn list(db: &Connection, e: &Entity, req: &Req<'_>, filter: Option<(&str, i64)>) -> Res {
    Ok(json_ok(Value::Array(store::list(
        db,
        e,
        paging(req)?,
        filter,
    )?)))
}

fn create(db: &Connection, e: &Entity, req: &Req<'_>) -> Res {
    let body = body_object(req)?;
    require_new(e, &body)?;
    let id = store::insert(db, e, store::to_columns(e, &body)?)?;
    Ok(json_ok(json!(id)))
}

fn one(db: &Connection, e: &Entity, req: &Req<'_>, id: i64) -> Res {
    let missing = || ApiError::not_found(format!("{} {id} was not found", e.table));
    match *req.method {
        Method::GET => store::get(db, e, id)?.map(json_ok).ok_or_else(missing),
        Method::PUT => {
            let body = body_object(req)?;
            require_same(e, &body, id)?;
            let cols = store::to_columns(e, &body)?;
            if store::update(db, e, id, cols)? {
                Ok(empty())
            } else {
                Err(missing())
            }
        }
        Method::DELETE => {
            if store::delete(db, e, id)? {
                Ok(empty())
            } else {
                Err(missing())
            }
        }
        _ => not_allowed(req),
    }
}

/// The error webCRM gives when a quotation line is written in the wrong linked-data mode, or
/// for a parent it cannot find.
const QUOTATION_NOT_FOUND: &str = "Possible quotation not found";

fn line_columns(
    sim: &Sim,
    db: &Connection,
    body: &Map<String, Value>,
) -> Result<Vec<(String, Sql)>, ApiError> {
    let mut cols = store::to_columns(&QUOTATION_LINE, body)?;
    let linked_id = match body.get("QuotationLineLinkedDataId") {
        None | Some(Value::Null) => 0,
        Some(v) => v.as_i64().ok_or_else(|| {
            ApiError::bad_request(
                "The field QuotationLineLinkedDataId must be an integer.",
                "ValidationException",
            )
        })?,
    };
    if let Some(parent) = body
        .get("QuotationLineOpportunityId")
        .and_then(Value::as_i64)
    {
        let exists = store::get(db, &OPPORTUNITY, parent)?.is_some()
            || store::get(db, &DELIVERY, parent)?.is_some();
        if !exists {
            return Err(ApiError::bad_request(
                QUOTATION_NOT_FOUND,
                "QuotationNotFoundException",
            ));
        }
    }
    if sim.cfg.linked_data {
        if linked_id == 0 {
            return Err(ApiError::bad_request(
                QUOTATION_NOT_FOUND,
                "QuotationNotFoundException",
            ));
        }
        let item = store::get(db, &LINKED_DATA, linked_id)?.ok_or_else(|| {
            ApiError::bad_request(
                format!("Linked data item {linked_id} was not found."),
                "NotFoundException",
            )
        })?;
        copy_from_catalogue(&mut cols, &item);
        cols.push(("QuotationLineLinkedDataId".into(), Sql::Integer(linked_id)));
    } else if linked_id != 0 {
        return Err(ApiError::bad_request(
            "Linked data is not enabled for quotation lines; leave QuotationLineLinkedDataId out or 0.",
            "LinkedDataNotEnabledException",
        ));
    }
    Ok(cols)
}

/// The API copies the catalogue item's data into the line: Data1..9, price (also as list
/// price), cost price and memo. Values the client sent for those fields are replaced.
fn copy_from_catalogue(cols: &mut Vec<(String, Sql)>, item: &Value) {
    let mut set = |name: String, v: Sql| {
        cols.retain(|(n, _)| *n != name);
        cols.push((name, v));
    };
    for i in 1..=9 {
        let v = item[format!("QuotationLineLinkedDataItemData{i}")]
            .as_str()
            .unwrap_or("")
            .to_string();
        set(format!("QuotationLineData{i}"), Sql::Text(v));
    }
    let price = item["QuotationLineLinkedDataItemPrice"]
        .as_f64()
        .unwrap_or(0.0);
    set("QuotationLinePrice".into(), Sql::Real(price));
    set("QuotationLineListPrice".into(), Sql::Real(price));
    set(
        "QuotationLineCostPrice".into(),
        Sql::Real(
            item["QuotationLineLinkedDataItemCostPrice"]
                .as_f64()
                .unwrap_or(0.0),
        ),
    );
    set(
        "QuotationLineMemo".into(),
        Sql::Text(
            item["QuotationLineLinkedDataItemDataMemo"]
                .as_str()
                .unwrap_or("")
                .to_string(),
        ),
    );
}

fn create_line(sim: &Sim, db: &Connection, req: &Req<'_>) -> Res {
    let body = body_object(req)?;
    require_new(&QUOTATION_LINE, &body)?;
    let cols = line_columns(sim, db, &body)?;
    Ok(json_ok(json!(store::insert(db, &QUOTATION_LINE, cols)?)))
}

fn one_line(sim: &Sim, db: &Connection, req: &Req<'_>, id: i64) -> Res {
    if *req.method != Method::PUT {
        return one(db, &QUOTATION_LINE, req, id);
    }
    let body = body_object(req)?;
    require_same(&QUOTATION_LINE, &body, id)?;
    if store::get(db, &QUOTATION_LINE, id)?.is_none() {
        return Err(ApiError::not_found(format!(
            "QuotationLine {id} was not found"
        )));
    }
    let cols = line_columns(sim, db, &body)?;
    store::update(db, &QUOTATION_LINE, id, cols)?;
    Ok(empty())
}

fn linked_columns(body: &Map<String, Value>) -> Result<Vec<(String, Sql)>, ApiError> {
    for i in 1..=9 {
        let name = format!("QuotationLineLinkedDataItemData{i}");
        let empty = body
            .get(&name)
            .is_none_or(|v| v.as_str().is_none_or(|s| s.trim().is_empty()));
        if empty {
            return Err(ApiError::bad_request(
                format!(
                    "{name} must not be empty (webCRM does not allow empty values in linked data; send \"-\")."
                ),
                "ValidationException",
            ));
        }
    }
    store::to_columns(&LINKED_DATA, body)
}

fn create_linked(db: &Connection, req: &Req<'_>) -> Res {
    let mut body = body_object(req)?;
    require_new(&LINKED_DATA, &body)?;
    body.entry("QuotationLineLinkedDataItemEntityType")
        .or_insert(json!("Product"));
    let cols = linked_columns(&body)?;
    let id = store::insert(db, &LINKED_DATA, cols)?;
    db.execute("UPDATE LinkedData SET LinkedDataItemId = ?1, LinkedDataItemEntityType = 7 WHERE QuotationLineLinkedDataItemId = ?1", [id])
        .map_err(ApiError::db)?;
    Ok(json_ok(json!(id)))
}

fn one_linked(db: &Connection, req: &Req<'_>, id: i64) -> Res {
    if *req.method != Method::PUT {
        return one(db, &LINKED_DATA, req, id);
    }
    let body = body_object(req)?;
    require_same(&LINKED_DATA, &body, id)?;
    let cols = linked_columns(&body)?;
    if store::update(db, &LINKED_DATA, id, cols)? {
        Ok(empty())
    } else {
        Err(ApiError::not_found(format!(
            "LinkedData {id} was not found"
        )))
    }
}

fn linked_setup(enabled: bool) -> Value {
    let dto = &super::schema::dtos()["QuotationLineLinkedSetupDto"];
    let mut m = Map::new();
    for (name, ty) in &dto.fields {
        let v = match (name.as_str(), ty) {
            ("QuotationLineLinkedSetupId", _) => json!(i32::from(enabled)),
            (n, _) if n.starts_with("QuotationLineLinkedSetupUseLinkedField") => {
                json!(enabled && n.ends_with(['1', '2', '3']))
            }
            ("QuotationLineLinkedSetupEntityType", _) => {
                json!(if enabled { "Product" } else { "Undefined" })
            }
            (n, _) if n.starts_with("QuotationLineLinkedSetupField") => {
                let i: i64 = n
                    .trim_start_matches("QuotationLineLinkedSetupField")
                    .parse()
                    .unwrap_or(0);
                json!(if enabled && i <= 3 { i } else { 0 })
            }
            (_, super::schema::Ty::Bool) => json!(false),
            (_, super::schema::Ty::Int | super::schema::Ty::Long) => json!(0),
            (_, super::schema::Ty::Double) => json!(0.0),
            (_, super::schema::Ty::Enum(o)) => json!(o[0]),
            (_, super::schema::Ty::Date) => json!(store::UNSET_DATE),
            (n, _) if n.ends_with("Label") => json!(
                n.trim_start_matches("QuotationLineLinkedSetup")
                    .trim_end_matches("Label")
            ),
            _ => json!(""),
        };
        m.insert(name.clone(), v);
    }
    Value::Object(m)
}

/// `GET /Queries?script=SELECT …`: read-only SQL over the webCRM tables; dates are OLE
/// Automation dates. Anything that would write is refused.
fn queries(db: &Connection, req: &Req<'_>) -> Res {
    let script = req
        .query
        .get("script")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            ApiError::bad_request("The script parameter is required.", "QueryException")
        })?;
    let first = script
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if first != "select" && first != "with" {
        return Err(ApiError::bad_request(
            "Only SELECT statements are allowed in queries.",
            "QueryException",
        ));
    }
    let page = paging(req)?;
    let stmt = db.prepare(script).map_err(|e| {
        ApiError::bad_request(format!("The query could not be run: {e}"), "QueryException")
    })?;
    if !stmt.readonly() {
        return Err(ApiError::bad_request(
            "Only SELECT statements are allowed in queries.",
            "QueryException",
        ));
    }
    drop(stmt);
    let paged = format!(
        "SELECT * FROM ({}) LIMIT ?1 OFFSET ?2",
        script.trim_end_matches(';')
    );
    let mut st = db.prepare(&paged).map_err(|e| {
        ApiError::bad_request(format!("The query could not be run: {e}"), "QueryException")
    })?;
    let names: Vec<String> = st.column_names().into_iter().map(str::to_string).collect();
    let rows = st
        .query_map([page.size, (page.page - 1) * page.size], |r| {
            let mut m = Map::new();
            for (i, n) in names.iter().enumerate() {
                let v = match r.get::<_, Sql>(i)? {
                    Sql::Null => Value::Null,
                    Sql::Integer(x) => json!(x),
                    Sql::Real(x) => json!(x),
                    Sql::Text(s) => json!(s),
                    Sql::Blob(b) => json!(String::from_utf8_lossy(&b)),
                };
                m.insert(n.clone(), v);
            }
            Ok(Value::Object(m))
        })
        .map_err(|e| {
            ApiError::bad_request(format!("The query could not be run: {e}"), "QueryException")
        })?;
    let rows = rows
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ApiError::bad_request(e.to_string(), "QueryException"))?;
    Ok(json_ok(Value::Array(rows)))
}
