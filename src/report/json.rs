//! The JSON report: the whole run in one document with a stable, documented shape
//! (`docs/report-json.md`). `version` changes only when a field is removed or changes meaning.

use serde_json::{Value, json};

use crate::event::{RequestResult, Summary};
use crate::report::collect::{Collected, Format};

/// The report's shape version.
pub const VERSION: u32 = 1;

/// The JSON format.
pub struct Json;

impl Format for Json {
    fn name(&self) -> &'static str {
        "json"
    }

    fn render(&self, c: &Collected) -> String {
        let doc = json!({
            "version": VERSION,
            "tool": concat!("runner ", env!("CARGO_PKG_VERSION")),
            "summary": summary(&c.total()),
            "collections": c.suites.iter().map(|s| json!({
                "name": s.id.collection,
                "file": s.id.file,
                "iteration": s.id.iteration,
                "summary": summary(&s.summary),
                "requests": s.results.iter().map(request).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        });
        let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        text.push('\n');
        text
    }
}

fn summary(s: &Summary) -> Value {
    json!({
        "passed": s.passed, "failed": s.failed, "skipped": s.skipped,
        "errors": s.errors, "invalid": s.invalid, "rendered": s.rendered,
        "duration_ms": ms(s.duration),
    })
}

fn ms(d: std::time::Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

fn headers(h: &[(String, String)]) -> Value {
    Value::Array(
        h.iter()
            .map(|(k, v)| json!({"name": k, "value": v}))
            .collect(),
    )
}

fn request(r: &RequestResult) -> Value {
    json!({
        "index": r.index,
        "name": r.name,
        "folder": r.folder,
        "status": r.status,
        "method": r.request.as_ref().map(|q| q.method.clone()),
        "url": r.request.as_ref().map(|q| q.url.clone()),
        "response_status": r.response.as_ref().map(|p| p.status),
        "duration_ms": ms(r.duration),
        "retries": r.retries,
        "request": r.request.as_ref().map(|q| json!({"headers": headers(&q.headers), "body": q.body})),
        "response": r.response.as_ref().map(|p| json!({"headers": headers(&p.headers), "body": p.body, "size": p.size})),
        "assertions": r.assertions.iter().map(|a| json!({
            "target": &*a.target, "op": a.op, "passed": a.passed, "expected": a.expected,
            "actual": a.actual, "message": a.message, "diff": a.diff, "location": &*a.location,
        })).collect::<Vec<_>>(),
        "captured": r.captured,
        "messages": r.messages.iter().map(|m| json!({"text": m.text, "location": m.location})).collect::<Vec<_>>(),
    })
}
