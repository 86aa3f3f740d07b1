//! Capture: values taken out of an [`Exchange`] into the run's variables.

use serde_json::Value;

use crate::http::Exchange;
use crate::model::{CaptureSource, JsonPath};
use crate::scope::Resolver;

/// The result of a JSONPath on a body: a singular path gives one value or nothing; any other
/// path gives the array of matches.
pub fn json_query(path: &JsonPath, body: &Value) -> Option<Value> {
    let found = jsonpath_rust::query::js_path_process(&path.query, body).unwrap_or_default();
    if path.singular {
        found.into_iter().next().map(|r| r.val().clone())
    } else {
        Some(Value::Array(
            found.into_iter().map(|r| r.val().clone()).collect(),
        ))
    }
}

/// The response as the `response` object of template expressions.
pub fn response_value(ex: &Exchange) -> Value {
    let headers: serde_json::Map<String, Value> =
        ex.header_pairs().into_iter().map(|(k, v)| (k, Value::String(v))).collect();
    serde_json::json!({
        "status": ex.status,
        "headers": headers,
        "body": ex.text(),
        "json": ex.json().ok().cloned().unwrap_or(Value::Null),
        "duration": ex.duration.as_secs_f64() * 1000.0,
    })
}

/// Takes one capture's value, or says why it found nothing.
pub fn take(
    source: &CaptureSource,
    ex: &Exchange,
    resolver: &Resolver<'_>,
) -> Result<Value, String> {
    match source {
        CaptureSource::Json(path) => {
            let body = ex.json().map_err(str::to_string)?;
            match json_query(path, body) {
                Some(Value::Array(a)) if !path.singular && a.is_empty() => {
                    Err(format!("JSONPath {} matched nothing", path.text))
                }
                Some(v) => Ok(v),
                None => Err(format!("JSONPath {} matched nothing", path.text)),
            }
        }
        CaptureSource::Header(name) => ex
            .header(name)
            .map(|v| Value::String(v.to_string()))
            .ok_or_else(|| format!("the response has no `{name}` header")),
        CaptureSource::Regex(re) => {
            let caps = re
                .captures(ex.text())
                .ok_or_else(|| format!("regex {} did not match the body", re.as_str()))?;
            let m = caps
                .get(1)
                .or_else(|| caps.get(0))
                .map(|m| m.as_str().to_string());
            m.map(Value::String)
                .ok_or_else(|| format!("regex {} did not match the body", re.as_str()))
        }
        CaptureSource::Body => Ok(Value::String(ex.text().to_string())),
        CaptureSource::Status => Ok(Value::from(ex.status)),
        CaptureSource::Expr(t) => {
            let v = resolver.render(t).map_err(|e| e.diagnostic.message)?;
            if v.is_null() {
                Err("the expression gave no value (none)".to_string())
            } else {
                Ok(v)
            }
        }
    }
}
