//! Send: one reqwest client per run (connection reuse), a prepared request in, an
//! [`Exchange`] out. No assertions here. The JSON body is parsed at most once, on first use.

use std::error::Error as _;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use reqwest::Url;
use serde_json::Value;

/// A request ready to send.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Method.
    pub method: reqwest::Method,
    /// Full URL including query.
    pub url: Url,
    /// Headers in order.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Option<Vec<u8>>,
    /// Per-request timeout.
    pub timeout: Option<Duration>,
}

/// A response and what it took.
#[derive(Debug)]
pub struct Exchange {
    /// Status code.
    pub status: u16,
    /// Headers as received.
    pub headers: reqwest::header::HeaderMap,
    /// Raw body (not copied out of the client's buffer).
    pub body: bytes::Bytes,
    /// Time to the end of the body.
    pub duration: Duration,
    text: OnceLock<String>,
    json: OnceLock<Result<Value, String>>,
}

impl Exchange {
    /// Builds an exchange (also used by tests).
    pub fn new(
        status: u16,
        headers: reqwest::header::HeaderMap,
        body: bytes::Bytes,
        duration: Duration,
    ) -> Self {
        Self {
            status,
            headers,
            body,
            duration,
            text: OnceLock::new(),
            json: OnceLock::new(),
        }
    }

    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Every header as text pairs (values lossily decoded), in order.
    pub fn header_pairs(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect()
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> &str {
        self.text
            .get_or_init(|| String::from_utf8_lossy(&self.body).into_owned())
    }

    /// The body parsed as JSON, once.
    pub fn json(&self) -> Result<&Value, &str> {
        self.json
            .get_or_init(|| {
                serde_json::from_slice(&self.body).map_err(|e| {
                    let ct = self.header("content-type").unwrap_or("none");
                    let preview: String = self.text().chars().take(60).collect();
                    if self.body.is_empty() {
                        format!("the response body is empty, not JSON (status {})", self.status)
                    } else {
                        format!("the response body is not JSON ({e}; Content-Type: {ct}; starts with {preview:?})")
                    }
                })
            })
            .as_ref()
            .map_err(String::as_str)
    }
}

/// Why a request could not be completed.
#[derive(Debug)]
pub struct SendError {
    /// A readable explanation including the cause chain.
    pub message: String,
}

/// The HTTP client of a run.
#[derive(Debug, Clone)]
pub struct Client {
    inner: reqwest::Client,
}

/// Client settings.
#[derive(Debug, Clone, Default)]
pub struct ClientOptions {
    /// Accept invalid TLS certificates.
    pub insecure: bool,
    /// Default timeout for every request.
    pub timeout: Option<Duration>,
}

impl Client {
    /// Builds the one client of a run. Redirects are not followed: the request you wrote is
    /// the one checked (a `302` can be asserted).
    pub fn new(opts: &ClientOptions) -> Result<Self, String> {
        let mut b = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("runner/", env!("CARGO_PKG_VERSION")))
            .danger_accept_invalid_certs(opts.insecure)
            .tcp_nodelay(true);
        if let Some(t) = opts.timeout {
            b = b.timeout(t);
        }
        b.build()
            .map(|inner| Self { inner })
            .map_err(|e| e.to_string())
    }

    /// Sends and reads the whole body.
    pub async fn send(&self, p: &Prepared) -> Result<Exchange, SendError> {
        let mut rb = self.inner.request(p.method.clone(), p.url.clone());
        for (k, v) in &p.headers {
            rb = rb.header(k, v);
        }
        if let Some(body) = &p.body {
            rb = rb.body(body.clone());
        }
        if let Some(t) = p.timeout {
            rb = rb.timeout(t);
        }
        let start = Instant::now();
        let resp = rb.send().await.map_err(|e| describe(&e, p))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let body = resp.bytes().await.map_err(|e| describe(&e, p))?;
        Ok(Exchange::new(status, headers, body, start.elapsed()))
    }
}

fn describe(e: &reqwest::Error, p: &Prepared) -> SendError {
    let host = p.url.host_str().unwrap_or("?");
    let port = p.url.port_or_known_default().unwrap_or(0);
    let mut causes = Vec::new();
    let mut src = e.source();
    while let Some(s) = src {
        let t = s.to_string();
        if !causes.contains(&t) {
            causes.push(t);
        }
        src = s.source();
    }
    let cause = causes.last().cloned().unwrap_or_else(|| e.to_string());
    let message = if e.is_timeout() {
        format!("timed out waiting for {host}:{port}")
    } else if e.is_connect() {
        format!("could not connect to {host}:{port}: {cause}")
    } else {
        format!("request to {host}:{port} failed: {cause}")
    };
    SendError { message }
}
