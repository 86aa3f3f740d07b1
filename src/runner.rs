//! The run loop: for each request render → send → capture → assert, and emit events.
//! The runner never writes to stdout or stderr; reporters do.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use indexmap::IndexMap;
use serde_json::Value;

use crate::event::{Event, Message, Received, RequestResult, RunId, SentRequest, Status, Summary};
use crate::http::{Client, Exchange, Prepared};
use crate::model::{Collection, Environment, Request};
use crate::redact::Redactor;
use crate::report::Reporter;
use crate::scope::{Layers, Resolver};
use crate::source::Diagnostic;
use crate::template::Templates;
use crate::{assert, capture};

/// How a run behaves.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Stop at the first failed or errored request.
    pub bail: bool,
    /// Keep request and response bodies of passing requests in events.
    pub keep_bodies: bool,
    /// Resends after `429 Too Many Requests`.
    pub max_retries: u32,
    /// Longest wait honoured from a `Retry-After`.
    pub max_retry_wait: Duration,
    /// Render, do not send (`--dry-run`).
    pub dry_run: bool,
    /// Do not mask secrets in what events carry (`--reveal-secrets`).
    pub reveal: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            bail: false,
            keep_bodies: false,
            max_retries: 5,
            max_retry_wait: Duration::from_secs(60),
            dry_run: false,
            reveal: false,
        }
    }
}

/// Everything shared by the runs of one invocation.
pub struct Runner {
    /// All compiled templates.
    pub templates: Arc<Templates>,
    /// The one HTTP client.
    pub client: Client,
    /// The `-e` environment.
    pub env: Arc<Environment>,
    /// `--var` values (and the simulator's, with `--mock`).
    pub cli_vars: IndexMap<String, Value>,
    /// Behaviour.
    pub options: RunOptions,
}

/// The variables and secrets of one run: a run is one collection (one iteration of it).
struct RunState {
    captures: IndexMap<String, Value>,
    redactor: Redactor,
    secrets: HashSet<String>,
    capture_names: HashSet<String>,
    /// Names captured with a placeholder in a dry run.
    placeholders: HashSet<String>,
    revealing: Redactor,
}

impl Runner {
    /// Runs one collection and reports its events; returns its summary.
    pub async fn run(
        &self,
        c: &Collection,
        iteration: usize,
        reporter: &mut dyn Reporter,
    ) -> Summary {
        let id = RunId {
            collection: c.name.clone(),
            file: c.file.name(),
            iteration,
        };
        let started = Instant::now();
        let mut st = RunState {
            captures: IndexMap::new(),
            redactor: Redactor::default(),
            placeholders: HashSet::new(),
            revealing: Redactor::revealing(),
            secrets: c.secrets.iter().chain(&self.env.secrets).cloned().collect(),
            capture_names: c
                .requests
                .iter()
                .flat_map(|r| r.captures.iter().map(|c| c.name.clone()))
                .collect(),
        };
        self.register_known_secrets(c, &mut st);
        reporter.report(&Event::RunStarted {
            id: id.clone(),
            total: c.requests.len(),
        });
        let mut summary = Summary::default();
        for (index, req) in c.requests.iter().enumerate() {
            reporter.report(&Event::RequestStarted {
                id: id.clone(),
                index,
                path: req.path(),
            });
            let result = self.one(&mut st, req, index).await;
            summary.count(result.status);
            let stop = self.options.bail
                && matches!(
                    result.status,
                    Status::Failed | Status::Error | Status::Invalid
                );
            reporter.report(&Event::RequestFinished {
                id: id.clone(),
                result: Box::new(result),
            });
            if stop {
                break;
            }
        }
        summary.duration = started.elapsed();
        reporter.report(&Event::RunFinished { id, summary });
        summary
    }

    /// Secrets from the command line and environment are masked from the first byte on.
    fn register_known_secrets(&self, c: &Collection, st: &mut RunState) {
        let Some(first) = c.requests.first() else {
            return;
        };
        let resolver = self.resolver(st, first);
        let values: Vec<Value> = st
            .secrets
            .iter()
            .filter_map(|name| resolver.resolve(name, &mut Vec::new()).ok().flatten())
            .collect();
        drop(resolver);
        for v in &values {
            st.redactor.add(v);
        }
    }

    fn resolver<'a>(&'a self, st: &'a RunState, req: &'a Request) -> Resolver<'a> {
        Resolver::new(
            &self.templates,
            Layers {
                captures: &st.captures,
                cli: &self.cli_vars,
                env: &self.env.variables,
                local: &req.vars,
            },
        )
    }

    async fn one(&self, st: &mut RunState, req: &Request, index: usize) -> RequestResult {
        let mut result = RequestResult {
            index,
            folder: req.folder.clone(),
            name: req.name.clone(),
            status: Status::Passed,
            request: None,
            response: None,
            assertions: vec![],
            captured: vec![],
            messages: vec![],
            retries: 0,
            duration: Duration::ZERO,
        };
        let Some(prepared) = self.render(st, req, &mut result) else {
            return result;
        };
        result.request = Some(sent(&prepared, self.shown(st), self.options.keep_bodies));
        if self.options.dry_run {
            dry_run(st, req, &mut result);
            return result;
        }
        if let Some(d) = req.delay {
            tokio::time::sleep(d).await;
        }
        let ex = match self.send_with_retries(&prepared, &mut result.retries).await {
            Ok(ex) => ex,
            Err(message) => {
                result.status = Status::Error;
                let text = st.redactor.mask(&message);
                result.messages.push(Message::plain(text));
                return result;
            }
        };
        result.duration = ex.duration;
        self.check(st, req, &ex, &mut result);
        let keep = self.options.keep_bodies || result.status != Status::Passed;
        if keep && !self.options.keep_bodies {
            // A failure: show what was sent after all.
            result.request = Some(sent(&prepared, self.shown(st), true));
        }
        result.response = Some(received(&ex, &st.redactor, keep));
        result
    }

    /// What output may show: masked, unless `--reveal-secrets`.
    fn shown<'s>(&self, st: &'s RunState) -> &'s Redactor {
        if self.options.reveal {
            &st.revealing
        } else {
            &st.redactor
        }
    }

    /// Renders the request; `None` when it is skipped or cannot be built (`result` says why).
    fn render(
        &self,
        st: &mut RunState,
        req: &Request,
        result: &mut RequestResult,
    ) -> Option<Prepared> {
        // In a dry run, a `when` that reads placeholder captures cannot be decided: show the request.
        let undecidable = self.options.dry_run
            && req.when.iter().any(|w| {
                let mut names = Vec::new();
                crate::template::vars_of(w, &mut names);
                names.iter().any(|n| st.placeholders.contains(n))
            });
        if undecidable {
            let text = "`when` depends on values captured at run time; shown anyway".to_string();
            result.messages.push(Message::plain(text));
        }
        let outcome = {
            let resolver = self.resolver(st, req);
            let outcome = crate::prepare::prepare(req, &resolver, !undecidable);
            for (name, value) in resolver.resolved() {
                if st.secrets.contains(&name) {
                    st.redactor.add(&value);
                }
            }
            outcome
        };
        match outcome {
            Ok(Some(p)) => Some(p),
            Ok(None) => {
                result.status = Status::Skipped;
                None
            }
            Err(e) => {
                let consequence = !e.undefined.is_empty()
                    && e.undefined.iter().all(|n| st.capture_names.contains(n));
                result.status = if consequence {
                    Status::Failed
                } else {
                    Status::Invalid
                };
                let mut d = *e.diagnostic;
                if consequence {
                    d.message = format!(
                        "not sent: {} (an earlier capture failed or was skipped)",
                        d.message
                    );
                }
                result.messages.push(located(&d, &st.redactor));
                None
            }
        }
    }

    /// Captures, then assertions (which see this request's captures).
    fn check(&self, st: &mut RunState, req: &Request, ex: &Exchange, result: &mut RequestResult) {
        let mut taken = Vec::new();
        {
            let needs_response = req
                .captures
                .iter()
                .any(|c| matches!(c.source, crate::model::CaptureSource::Expr(_)));
            let mut resolver = self.resolver(st, req);
            if needs_response {
                resolver = resolver.with("response", capture::response_value(ex));
            }
            for c in &req.captures {
                match capture::take(&c.source, ex, &resolver) {
                    Ok(v) => taken.push((c.name.clone(), v)),
                    Err(why) => {
                        result.status = Status::Failed;
                        let text =
                            format!("capture `{}` failed: {}", c.name, st.redactor.mask(&why));
                        let location = c.loc.describe();
                        result.messages.push(Message {
                            text,
                            location: Some(location),
                            excerpt: None,
                        });
                    }
                }
            }
        }
        for (name, value) in taken {
            if st.secrets.contains(&name) {
                st.redactor.add(&value);
            }
            result.captured.push(name.clone());
            st.captures.insert(name, value);
        }
        let resolver = self.resolver(st, req);
        for a in &req.expect {
            for mut r in assert::check(a, ex, &resolver, self.options.keep_bodies) {
                if !r.passed {
                    result.status = Status::Failed;
                }
                r.expected = st.redactor.value(&r.expected);
                r.actual = r.actual.map(|v| st.redactor.value(&v));
                r.message = r.message.map(|m| st.redactor.mask(&m));
                r.diff = r.diff.map(|m| st.redactor.mask(&m));
                result.assertions.push(r);
            }
        }
    }

    async fn send_with_retries(&self, p: &Prepared, retries: &mut u32) -> Result<Exchange, String> {
        loop {
            let ex = self.client.send(p).await.map_err(|e| e.message)?;
            if ex.status != 429 || *retries >= self.options.max_retries {
                return Ok(ex);
            }
            *retries += 1;
            tokio::time::sleep(retry_after(&ex).min(self.options.max_retry_wait)).await;
        }
    }
}

/// The wait a 429 asks for: `Retry-After` seconds, else `RetryAfterSeconds` in the body, else 1s.
fn retry_after(ex: &Exchange) -> Duration {
    let from_header = ex
        .header("retry-after")
        .and_then(|v| v.trim().parse::<f64>().ok());
    let from_body = || {
        ex.json()
            .ok()
            .and_then(|j| j.get("RetryAfterSeconds"))
            .and_then(Value::as_f64)
    };
    let secs = from_header.or_else(from_body).unwrap_or(1.0);
    Duration::from_secs_f64(secs.clamp(0.0, 3600.0))
}

fn located(d: &Diagnostic, r: &Redactor) -> Message {
    Message {
        text: r.mask(&d.message),
        location: Some(d.location()),
        excerpt: Some(r.mask(&d.render())),
    }
}

/// What was sent, masked. Headers and body only with `detail` (reports, `-v`, dry runs): a
/// plain run prints method and URL.
fn sent(p: &Prepared, r: &Redactor, detail: bool) -> SentRequest {
    SentRequest {
        method: p.method.to_string(),
        url: r.mask(p.url.as_str()),
        headers: if detail {
            p.headers
                .iter()
                .map(|(k, v)| (k.clone(), r.header(k, v)))
                .collect()
        } else {
            Vec::new()
        },
        body: if detail {
            p.body.as_ref().map(|b| r.mask(&String::from_utf8_lossy(b)))
        } else {
            None
        },
    }
}

/// What came back, masked; headers and body only when kept.
fn received(ex: &Exchange, r: &Redactor, keep: bool) -> Received {
    Received {
        status: ex.status,
        headers: if keep {
            ex.header_pairs()
                .into_iter()
                .map(|(k, v)| {
                    let v = r.header(&k, &v);
                    (k, v)
                })
                .collect()
        } else {
            Vec::new()
        },
        body: keep.then(|| r.mask(ex.text())),
        size: ex.body.len(),
    }
}
/// A dry run does not send: the request's captures become `<Name>` placeholders so later
/// requests still render.
fn dry_run(st: &mut RunState, req: &Request, result: &mut RequestResult) {
    result.status = Status::Rendered;
    for c in &req.captures {
        st.captures
            .insert(c.name.clone(), Value::String(format!("<{}>", c.name)));
        st.placeholders.insert(c.name.clone());
        result.captured.push(c.name.clone());
    }
    if !req.captures.is_empty() {
        let names: Vec<&str> = req.captures.iter().map(|c| c.name.as_str()).collect();
        let text = format!(
            "captured at run time, unknown in a dry run: {}",
            names.join(", ")
        );
        result.messages.push(Message::plain(text));
    }
}
