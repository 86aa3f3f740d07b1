//! Assert: each [`Assertion`] against an [`Exchange`] gives [`AssertionResult`]s, one per
//! operator, passed or not. Every operator is evaluated; none stops at the first failure.

use std::cmp::Ordering;

use serde_json::Value;
use similar::{ChangeTag, TextDiff};

use crate::capture::json_query;
use crate::event::AssertionResult;
use crate::http::Exchange;
use crate::model::{Assertion, JsonType, Loc, Matcher, Op, Target};
use crate::scope::Resolver;

/// Evaluates one assertion. With `detail`, passing results keep their expected and actual
/// values (file reports show them); otherwise only failures carry values, which keeps the hot
/// path free of copies.
pub fn check(
    a: &Assertion,
    ex: &Exchange,
    resolver: &Resolver<'_>,
    detail: bool,
) -> Vec<AssertionResult> {
    let actual = match actual(&a.target, ex) {
        Ok(v) => v,
        Err(msg) => {
            return vec![AssertionResult {
                target: a.label.clone(),
                op: a.matcher.ops.first().map_or("equals", |(o, _)| o.name()),
                passed: false,
                expected: Value::Null,
                actual: None,
                message: Some(msg),
                diff: None,
                location: a.location.clone(),
            }];
        }
    };
    let mut out = Vec::with_capacity(a.matcher.ops.len());
    let multi = matches!(&a.target, Target::Json(p) if !p.singular);
    let cx = Cx {
        r: resolver,
        multi,
        ms: matches!(a.target, Target::Duration),
        detail,
        assertion: a,
        nested: false,
    };
    eval(&a.matcher, actual.as_ref(), &cx, &mut out);
    out
}

fn actual(t: &Target, ex: &Exchange) -> Result<Option<Value>, String> {
    Ok(match t {
        Target::Status => Some(Value::from(ex.status)),
        Target::Header(h) => ex.header(h).map(|v| Value::String(v.to_string())),
        Target::Json(p) => json_query(p, ex.json()?),
        Target::Body => Some(Value::String(ex.text().to_string())),
        Target::Duration => Some(Value::from(ex.duration.as_secs_f64() * 1000.0)),
    })
}

/// What operators need besides the actual value.
struct Cx<'r, 'a> {
    r: &'r Resolver<'a>,
    /// The actual value is the array of a non-singular JSONPath's matches.
    multi: bool,
    /// Values are milliseconds (the `duration` target).
    ms: bool,
    /// Keep values of passing results.
    detail: bool,
    assertion: &'r Assertion,
    /// Inside `length:`.
    nested: bool,
}

fn eval(m: &Matcher, actual: Option<&Value>, cx: &Cx<'_, '_>, out: &mut Vec<AssertionResult>) {
    for (op, loc) in &m.ops {
        if let Op::Length(inner) = op {
            match actual.and_then(length) {
                Some(n) => {
                    let inner_cx = Cx {
                        multi: false,
                        ms: false,
                        nested: true,
                        ..*cx
                    };
                    eval(inner, Some(&Value::from(n)), &inner_cx, out);
                }
                None => {
                    let why = format!("has no length: {}", describe(actual));
                    out.push(result(cx, op, loc, Value::Null, actual, Some(why)));
                }
            }
            continue;
        }
        let (expected, verdict) = match apply(op, actual, cx) {
            Ok(x) => x,
            Err(msg) => (Value::Null, Some(msg)),
        };
        out.push(result(cx, op, loc, expected, actual, verdict));
    }
}

fn result(
    cx: &Cx<'_, '_>,
    op: &Op,
    loc: &Loc,
    expected: Value,
    actual: Option<&Value>,
    failure: Option<String>,
) -> AssertionResult {
    let diff = match (&failure, op) {
        (Some(_), Op::Equals(_)) => actual.and_then(|a| diff(&expected, a)),
        _ => None,
    };
    let keep = cx.detail || failure.is_some();
    AssertionResult {
        target: cx.assertion.label.clone(),
        op: if cx.nested {
            op.length_name()
        } else {
            op.name()
        },
        passed: failure.is_none(),
        expected: if keep { expected } else { Value::Null },
        actual: if keep { actual.cloned() } else { None },
        message: failure,
        diff,
        location: if keep {
            loc.describe().into()
        } else {
            cx.assertion.location.clone()
        },
    }
}

/// Applies one operator: the expected value shown, and `Some(reason)` when it failed.
fn apply(
    op: &Op,
    actual: Option<&Value>,
    cx: &Cx<'_, '_>,
) -> Result<(Value, Option<String>), String> {
    let render = |t| {
        cx.r.render(t)
            .map_err(|e| format!("expected value: {}", e.diagnostic.message))
    };
    let got = cx.describe(actual);
    Ok(match op {
        Op::Equals(t) => {
            let e = render(t)?;
            let ok = actual.is_some_and(|a| loose_eq(a, &e));
            let mut msg = format!("expected {}, got {got}", cx.show(&e));
            if let (Some(Value::String(a)), Value::String(x)) = (actual, &e)
                && a != x
                && a.trim_end() == x.trim_end()
            {
                msg.push_str(" (they differ only in trailing whitespace; a YAML `|-` block drops the final newline)");
            }
            (e, verdict(ok, msg))
        }
        Op::NotEquals(t) => {
            let e = render(t)?;
            let ok = !actual.is_some_and(|a| loose_eq(a, &e));
            let msg = format!("expected anything but {}", cx.show(&e));
            (e, verdict(ok, msg))
        }
        Op::OneOf(ts) => {
            let es = ts.iter().map(render).collect::<Result<Vec<_>, _>>()?;
            let ok = actual.is_some_and(|a| es.iter().any(|e| loose_eq(a, e)));
            let e = Value::Array(es);
            let msg = format!("expected one of {}, got {got}", cx.show(&e));
            (e, verdict(ok, msg))
        }
        Op::Contains(t) | Op::NotContains(t) => {
            let e = render(t)?;
            let want = matches!(op, Op::Contains(_));
            let has = actual.is_some_and(|a| contains(a, &e));
            let msg = format!(
                "expected {got} {}{}",
                if want {
                    "to contain "
                } else {
                    "not to contain "
                },
                cx.show(&e)
            );
            (e, verdict(has == want, msg))
        }
        Op::Gt(t) | Op::Gte(t) | Op::Lt(t) | Op::Lte(t) => ordering(op, render(t)?, actual, cx),
        Op::Length(_) => unreachable!("handled by eval"),
        _ => shape(op, actual, cx),
    })
}

/// Operators without an expected template: `exists`, `type`, `matches`, status class.
fn shape(op: &Op, actual: Option<&Value>, cx: &Cx<'_, '_>) -> (Value, Option<String>) {
    let got = cx.describe(actual);
    match op {
        Op::Exists(want) => {
            let present = match actual {
                Some(Value::Array(a)) if cx.multi => !a.is_empty(),
                Some(_) => true,
                None => false,
            };
            let msg = if *want {
                "expected it to exist, but it is absent".to_string()
            } else {
                format!("expected it to be absent, got {got}")
            };
            (Value::Bool(*want), verdict(present == *want, msg))
        }
        Op::Type(t) => {
            let ok = actual.is_some_and(|a| has_type(a, *t));
            (
                Value::String(t.name().into()),
                verdict(ok, format!("expected a {}, got {got}", t.name())),
            )
        }
        Op::Matches(re) => {
            let ok = actual.is_some_and(|a| re.is_match(&text(a)));
            let msg = format!("expected a match for /{}/, got {got}", re.as_str());
            (Value::String(re.as_str().into()), verdict(ok, msg))
        }
        Op::Class(c) => {
            let ok = actual
                .and_then(Value::as_u64)
                .is_some_and(|s| s / 100 == u64::from(*c));
            (
                Value::String(format!("{c}xx")),
                verdict(ok, format!("expected {c}xx, got {got}")),
            )
        }
        _ => (
            Value::Null,
            Some(format!("operator `{}` cannot be used here", op.name())),
        ),
    }
}

fn ordering(op: &Op, e: Value, actual: Option<&Value>, cx: &Cx<'_, '_>) -> (Value, Option<String>) {
    let (sym, ok): (&str, fn(Ordering) -> bool) = match op {
        Op::Gt(_) => (">", |o| o == Ordering::Greater),
        Op::Gte(_) => (">=", |o| o != Ordering::Less),
        Op::Lt(_) => ("<", |o| o == Ordering::Less),
        _ => ("<=", |o| o != Ordering::Greater),
    };
    let got = cx.describe(actual);
    let shown = cx.show(&e);
    match actual.and_then(|a| compare(a, &e)) {
        Some(o) => (e, verdict(ok(o), format!("expected {got} {sym} {shown}"))),
        None => (e, Some(format!("cannot compare {got} with {shown}"))),
    }
}

fn verdict(ok: bool, msg: String) -> Option<String> {
    if ok { None } else { Some(msg) }
}

impl Cx<'_, '_> {
    fn show(&self, v: &Value) -> String {
        if self.ms { millis(v) } else { show(v) }
    }

    fn describe(&self, v: Option<&Value>) -> String {
        match v {
            Some(v) if self.ms => millis(v),
            other => describe(other),
        }
    }
}

/// Equality where numbers compare by value (1 == 1.0) and a text actual (headers, body)
/// equals a number or boolean with the same spelling.
pub fn loose_eq(a: &Value, e: &Value) -> bool {
    match (a, e) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::String(s), Value::Number(_) | Value::Bool(_)) => {
            s.as_str() == e.to_string().as_str()
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| loose_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| loose_eq(v, w)))
        }
        _ => a == e,
    }
}

fn has_type(v: &Value, t: JsonType) -> bool {
    match t {
        JsonType::String => v.is_string(),
        JsonType::Number => v.is_number(),
        JsonType::Integer => {
            v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        JsonType::Boolean => v.is_boolean(),
        JsonType::Array => v.is_array(),
        JsonType::Object => v.is_object(),
        JsonType::Null => v.is_null(),
    }
}

fn length(v: &Value) -> Option<usize> {
    match v {
        Value::String(s) => Some(s.chars().count()),
        Value::Array(a) => Some(a.len()),
        Value::Object(o) => Some(o.len()),
        _ => None,
    }
}

fn contains(a: &Value, e: &Value) -> bool {
    match a {
        Value::String(s) => s.contains(&text(e)),
        Value::Array(items) => items.iter().any(|i| loose_eq(i, e)),
        Value::Object(o) => e.as_str().is_some_and(|k| o.contains_key(k)),
        _ => false,
    }
}

fn compare(a: &Value, e: &Value) -> Option<Ordering> {
    match (a, e) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        (Value::String(x), Value::Number(y)) => {
            x.trim().parse::<f64>().ok()?.partial_cmp(&y.as_f64()?)
        }
        _ => None,
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A value for a one-line message: JSON, shortened.
pub fn show(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(77).collect::<String>())
    } else {
        s
    }
}

/// A duration in milliseconds for messages: `12.3 ms`.
fn millis(v: &Value) -> String {
    match v.as_f64() {
        Some(ms) if ms < 10.0 => format!("{ms:.1} ms"),
        Some(ms) => format!("{ms:.0} ms"),
        None => show(v),
    }
}

fn describe(v: Option<&Value>) -> String {
    match v {
        None => "nothing (absent)".to_string(),
        Some(v) => show(v),
    }
}

/// A line diff for values that do not fit on a line: objects, arrays, long or multi-line text.
fn diff(expected: &Value, actual: &Value) -> Option<String> {
    let big = |v: &Value| match v {
        Value::Object(_) | Value::Array(_) => true,
        Value::String(s) => s.len() > 60 || s.contains('\n'),
        _ => false,
    };
    if !big(expected) && !big(actual) {
        return None;
    }
    // Keys sorted on both sides, so the diff lines up field by field.
    let pretty = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => serde_json::to_string_pretty(&sorted(other)).unwrap_or_default(),
    };
    let (e, a) = (pretty(expected), pretty(actual));
    let diff = TextDiff::from_lines(&e, &a);
    let mut out = String::new();
    for change in diff.iter_all_changes() {
        let sign = match change.tag() {
            ChangeTag::Delete => '-',
            ChangeTag::Insert => '+',
            ChangeTag::Equal => ' ',
        };
        out.push(sign);
        out.push_str(change.value().trim_end_matches('\n'));
        out.push('\n');
    }
    Some(out)
}

/// A copy with object keys in sorted order, at every depth.
fn sorted(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), sorted(&m[k])))
                    .collect(),
            )
        }
        Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_compare_by_value() {
        assert!(loose_eq(&json!(1), &json!(1.0)));
        assert!(loose_eq(&json!({"a": [1]}), &json!({"a": [1.0]})));
        assert!(!loose_eq(&json!("1"), &json!("1.0")));
        assert!(loose_eq(&json!("42"), &json!(42)));
    }

    #[test]
    fn diffs_only_big_values() {
        assert!(diff(&json!(1), &json!(2)).is_none());
        let d = diff(&json!({"a": 1, "b": 2}), &json!({"a": 1, "b": 3})).unwrap();
        assert!(
            d.contains("-  \"b\": 2") && d.contains("+  \"b\": 3"),
            "{d}"
        );
    }
}
