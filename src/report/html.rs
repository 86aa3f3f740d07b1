//! A self-contained HTML report: inline CSS and a few lines of inline script, no network
//! fetches. A summary bar, then a row per request that expands (`<details>`) to its request
//! and response with pretty-printed bodies; failed rows start open with their diffs. Bodies
//! are cut at 64 KiB so a 1,000-request report stays light.

use std::fmt::Write as _;

use crate::event::{AssertionResult, RequestResult, Status};
use crate::report::collect::{Collected, Format, Suite};
use crate::report::junit::esc;

const BODY_LIMIT: usize = 64 * 1024;

/// The HTML format.
pub struct Html;

const STYLE: &str = r#"
:root { --pass: #1a7f37; --fail: #cf222e; --skip: #9a6700; --err: #8250df; --muted: #57606a; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; }
header { background: #fff; border-bottom: 1px solid #d0d7de; padding: 16px 24px; position: sticky; top: 0; z-index: 1; }
h1 { font-size: 18px; margin: 0 0 8px; }
.bar { display: flex; height: 12px; border-radius: 6px; overflow: hidden; background: #d0d7de; margin: 6px 0; }
.bar span { display: block; } .bar .passed { background: var(--pass); } .bar .failed { background: var(--fail); }
.bar .skipped { background: var(--skip); } .bar .error { background: var(--err); }
.totals { color: var(--muted); } .totals b.failed { color: var(--fail); } .totals b.passed { color: var(--pass); }
main { padding: 16px 24px; max-width: 1200px; }
h2 { font-size: 16px; margin: 20px 0 8px; } h2 small { color: var(--muted); font-weight: normal; }
details.req { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; margin: 4px 0; }
details.req > summary { cursor: pointer; padding: 6px 10px; display: grid; grid-template-columns: 1.5em 1fr auto auto 3.5em 5.5em; gap: 10px; align-items: baseline; list-style: none; }
details.req > summary::-webkit-details-marker { display: none; }
.mark { font-weight: bold; } .passed .mark { color: var(--pass); } .failed .mark { color: var(--fail); }
.skipped .mark { color: var(--skip); } .error .mark, .invalid .mark { color: var(--err); }
.method { font: 12px ui-monospace, monospace; color: var(--muted); } .url { font: 12px ui-monospace, monospace; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 40vw; }
.code, .time { text-align: right; font-variant-numeric: tabular-nums; color: var(--muted); }
.detail { padding: 4px 14px 12px; border-top: 1px solid #d0d7de; }
h4 { margin: 12px 0 4px; font-size: 13px; }
pre { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 4px; padding: 8px; margin: 4px 0; overflow: auto; max-height: 420px; font: 12px/1.4 ui-monospace, monospace; white-space: pre-wrap; word-break: break-all; }
.problem { border-left: 3px solid var(--fail); padding: 2px 10px; margin: 6px 0; }
.problem small { color: var(--muted); }
.diff .del { color: var(--fail); background: #ffebe9; display: block; } .diff .add { color: var(--pass); background: #dafbe1; display: block; }
ul.asserts { list-style: none; padding: 0; margin: 0; font: 12px ui-monospace, monospace; }
ul.asserts li.ok::before { content: "✓ "; color: var(--pass); } ul.asserts li.ko::before { content: "✗ "; color: var(--fail); }
body.only-failures details.req.passed, body.only-failures details.req.skipped { display: none; }
"#;

const SCRIPT: &str = r#"
document.getElementById('only-failures').addEventListener('change', function (e) {
  document.body.classList.toggle('only-failures', e.target.checked);
});
"#;

impl Format for Html {
    fn name(&self) -> &'static str {
        "html"
    }

    fn render(&self, c: &Collected) -> String {
        let t = c.total();
        let n = (t.passed + t.failed + t.skipped + t.errors + t.invalid).max(1);
        let mut out = String::with_capacity(64 * 1024);
        let _ = write!(
            out,
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
             <title>runner report</title><style>{STYLE}</style></head><body>\n<header><h1>runner report</h1>\
             <div class=\"bar\" title=\"passed / failed / skipped / errors\">"
        );
        for (class, count) in [
            ("passed", t.passed),
            ("failed", t.failed),
            ("skipped", t.skipped),
            ("error", t.errors + t.invalid),
        ] {
            if count > 0 {
                let _ = write!(
                    out,
                    "<span class=\"{class}\" style=\"width:{:.3}%\"></span>",
                    count as f64 * 100.0 / n as f64
                );
            }
        }
        let _ = write!(
            out,
            "</div><div class=\"totals\"><b class=\"passed\">{} passed</b> · <b class=\"failed\">{} failed</b> · {} skipped · {} error(s) · {} collection(s) · {:.2} s \
             · <label><input type=\"checkbox\" id=\"only-failures\"> only failures</label></div></header>\n<main>\n",
            t.passed,
            t.failed,
            t.skipped,
            t.errors + t.invalid,
            c.suites.len(),
            t.duration.as_secs_f64()
        );
        for s in &c.suites {
            suite(&mut out, s);
        }
        let _ = writeln!(out, "</main><script>{SCRIPT}</script></body></html>");
        out
    }
}

fn suite(out: &mut String, s: &Suite) {
    let _ = writeln!(
        out,
        "<section><h2>{} <small>{} · {} passed, {} failed, {} skipped</small></h2>",
        esc(&s.id.collection),
        esc(&s.id.file),
        s.summary.passed,
        s.summary.failed,
        s.summary.skipped
    );
    for r in &s.results {
        row(out, r);
    }
    out.push_str("</section>\n");
}

fn row(out: &mut String, r: &RequestResult) {
    let (class, mark) = match r.status {
        Status::Passed => ("passed", "✓"),
        Status::Failed => ("failed", "✗"),
        Status::Skipped => ("skipped", "–"),
        Status::Error => ("error", "!"),
        Status::Invalid => ("invalid", "!"),
        Status::Rendered => ("skipped", "~"),
    };
    let open = if matches!(
        r.status,
        Status::Passed | Status::Skipped | Status::Rendered
    ) {
        ""
    } else {
        " open"
    };
    let mut path = r.folder.join(" / ");
    if !path.is_empty() {
        path.push_str(" / ");
    }
    path.push_str(&r.name);
    let (method, url) = r
        .request
        .as_ref()
        .map_or((String::new(), String::new()), |q| {
            (q.method.clone(), q.url.clone())
        });
    let code = r
        .response
        .as_ref()
        .map_or(String::new(), |p| p.status.to_string());
    let time = if r.response.is_some() {
        format!("{:.1} ms", r.duration.as_secs_f64() * 1000.0)
    } else {
        String::new()
    };
    let _ = write!(
        out,
        "<details class=\"req {class}\"{open}><summary><span class=\"mark\">{mark}</span><span>{}</span>\
         <span class=\"method\">{}</span><span class=\"url\" title=\"{}\">{}</span><span class=\"code\">{code}</span><span class=\"time\">{time}</span></summary><div class=\"detail\">",
        esc(&path),
        esc(&method),
        esc(&url),
        esc(&url)
    );
    for m in &r.messages {
        let at = m
            .location
            .as_deref()
            .map(|l| format!(" <small>at {}</small>", esc(l)))
            .unwrap_or_default();
        let _ = write!(out, "<div class=\"problem\">{}{at}</div>", esc(&m.text));
    }
    for a in r.assertions.iter().filter(|a| !a.passed) {
        failure(out, a);
    }
    exchange(out, r);
    if !r.assertions.is_empty() {
        out.push_str("<h4>Assertions</h4><ul class=\"asserts\">");
        for a in &r.assertions {
            let _ = write!(
                out,
                "<li class=\"{}\">{} {} {}</li>",
                if a.passed { "ok" } else { "ko" },
                esc(&a.target),
                esc(a.op),
                esc(&a.expected.to_string())
            );
        }
        out.push_str("</ul>");
    }
    out.push_str("</div></details>\n");
}

fn failure(out: &mut String, a: &AssertionResult) {
    let _ = write!(
        out,
        "<div class=\"problem\"><b>{} {}</b>: {} <small>at {}</small>",
        esc(&a.target),
        esc(a.op),
        esc(a.message.as_deref().unwrap_or("failed")),
        esc(&a.location)
    );
    if let Some(d) = &a.diff {
        out.push_str("<pre class=\"diff\">");
        for l in d.lines() {
            let class = match l.chars().next() {
                Some('-') => "del",
                Some('+') => "add",
                _ => "same",
            };
            let _ = write!(out, "<span class=\"{class}\">{}</span>", esc(l));
            if class == "same" {
                out.push('\n');
            }
        }
        out.push_str("</pre>");
    }
    out.push_str("</div>");
}

fn exchange(out: &mut String, r: &RequestResult) {
    if let Some(q) = &r.request {
        let _ = write!(
            out,
            "<h4>Request</h4><pre>{} {}\n{}</pre>",
            esc(&q.method),
            esc(&q.url),
            esc(&header_lines(&q.headers))
        );
        if let Some(b) = q.body.as_deref().filter(|b| !b.is_empty()) {
            let _ = write!(out, "<pre>{}</pre>", esc(&pretty(b)));
        }
    }
    if let Some(p) = &r.response {
        let _ = write!(
            out,
            "<h4>Response</h4><pre>{} ({} bytes)\n{}</pre>",
            p.status,
            p.size,
            esc(&header_lines(&p.headers))
        );
        if let Some(b) = p.body.as_deref().filter(|b| !b.is_empty()) {
            let _ = write!(out, "<pre>{}</pre>", esc(&pretty(b)));
        }
    }
}

fn header_lines(h: &[(String, String)]) -> String {
    h.iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// JSON bodies pretty-printed; everything cut at [`BODY_LIMIT`].
fn pretty(body: &str) -> String {
    let text = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| body.to_string());
    if text.len() <= BODY_LIMIT {
        return text;
    }
    let mut cut = BODY_LIMIT;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!(
        "{}\n… ({} more bytes not shown)",
        &text[..cut],
        text.len() - cut
    )
}
