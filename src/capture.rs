//! Capture: values taken out of an [`Exchange`] into the run's variables.

use serde_json::Value;

use crate::http::Exchange;
use crate::model::{CaptureSource, JsonPath};
use crate::scope::Resolver;

/// The result of a JSONPath on a body: a singular path gives one value or nothing; any other
/// path gives the array of matches.
pub fn json_query(path: &JsonPath, body: &Value) -> Option<Value> {
    if path.singular {
        return singular(path, body).cloned();
    }
    let found = jsonpath_rust::query::js_path_process(&path.query, body).unwrap_or_default();
    if path.singular {
        found.into_iter().next().map(|r| r.val().clone())
    } else {
        Some(Value::Array(
            found.into_iter().map(|r| r.val().clone()).collect(),
        ))
    }
}

/// A singular path (names and indexes only) walked directly: no match list, no paths built.
/// Negative indexes count from the end, as RFC 9535 says.
fn singular<'v>(path: &JsonPath, body: &'v Value) -> Option<&'v Value> {
    use jsonpath_rust::parser::model::{Segment, Selector};
    let mut cur = body;
    for seg in &path.query.segments {
        cur = match seg {
            Segment::Selector(Selector::Name(n)) => cur.as_object()?.get(n.as_str())?,
            Segment::Selector(Selector::Index(i)) => {
                let a = cur.as_array()?;
                let idx = if *i < 0 {
                    a.len().checked_sub(i.unsigned_abs() as usize)?
                } else {
                    *i as usize
                };
                a.get(idx)?
            }
            _ => return None,
        };
    }
    Some(cur)
}

/// The response as the `response` object of template expressions.
pub fn response_value(ex: &Exchange) -> Value {
    let headers: serde_json::Map<String, Value> = ex
        .header_pairs()
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn the_singular_walk_agrees_with_jsonpath_rust() {
        let body = serde_json::json!({"a": {"b": 1}, "x y": 2, "it's": 3, "items": [{"sku": "p"}, {"sku": "q"}], "n": null});
        for text in [
            "$",
            "$.a.b",
            "$['x y']",
            "$[\"it's\"]",
            "$.items[1].sku",
            "$.items[-1].sku",
            "$.items[-3]",
            "$.missing",
            "$.a[0]",
            "$.items.sku",
            "$.n",
        ] {
            let query = jsonpath_rust::parser::parse_json_path(text).unwrap();
            let path = JsonPath {
                text: text.into(),
                query: Arc::new(query),
                singular: true,
            };
            let reference = jsonpath_rust::query::js_path_process(&path.query, &body)
                .unwrap()
                .into_iter()
                .next()
                .map(|r| r.val().clone());
            assert_eq!(singular(&path, &body).cloned(), reference, "{text}");
        }
    }
}
