//! A small real HTTP server on 127.0.0.1:0, on its own thread and runtime, with the routes
//! the tests need. It records every request so tests can assert on what was sent.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use serde_json::{Value, json};

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// Method.
    pub method: String,
    /// Path and query.
    pub uri: String,
    /// Headers, names lower case.
    pub headers: Vec<(String, String)>,
    /// Body text.
    pub body: String,
}

#[derive(Default)]
struct Shared {
    log: Mutex<Vec<Recorded>>,
    rate_hits: AtomicUsize,
}

/// The test server; stops with the test process.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    shared: Arc<Shared>,
}

/// The access token `/login` hands out.
pub const TOKEN: &str = "tok-9f8e7d6c5b4a";

impl TestServer {
    /// Starts the server.
    pub fn start() -> Self {
        let shared = Arc::new(Shared::default());
        let state = shared.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(listener.local_addr().unwrap().port()).unwrap();
                axum::serve(listener, app(state)).await.unwrap();
            });
        });
        let port = rx.recv().unwrap();
        Self {
            url: format!("http://127.0.0.1:{port}"),
            shared,
        }
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.log.lock().unwrap().clone()
    }

    /// Requests received for a path (without query).
    pub fn hits(&self, path: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.uri.split('?').next() == Some(path))
            .count()
    }
}

fn app(state: Arc<Shared>) -> Router {
    Router::new()
        .route("/json", get(|| async { axum::Json(sample()) }))
        .route("/login", post(login))
        .route("/me", get(me))
        .route("/echo", any(echo))
        .route(
            "/text",
            get(|| async { ([("content-type", "text/html")], "<html>hello</html>") }),
        )
        .route(
            "/bytes",
            get(|| async {
                (
                    [("content-type", "application/json")],
                    Bytes::from_static(&[0xff, 0xfe, b'{']),
                )
            }),
        )
        .route("/status/{code}", any(status))
        .route("/slow", get(slow))
        .route("/rate", get(rate))
        .route("/items", post(|| async { axum::Json(json!(4711)) }))
        .route(
            "/items/{id}",
            get(|Path(id): Path<i64>| async move {
                axum::Json(json!({"id": id, "name": format!("item {id}")}))
            }),
        )
        .route(
            "/redirect",
            get(|| async { (StatusCode::FOUND, [("location", "/json")]) }),
        )
        .fallback(|| async { (StatusCode::NOT_FOUND, "not found") })
        .layer(axum::middleware::from_fn_with_state(state.clone(), record))
        .with_state(state)
}

async fn record(
    State(s): State<Arc<Shared>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, 16 << 20)
        .await
        .unwrap_or_default();
    s.log.lock().unwrap().push(Recorded {
        method: parts.method.to_string(),
        uri: parts.uri.to_string(),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    });
    next.run(axum::extract::Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn sample() -> Value {
    json!({
        "id": 42,
        "price": 19.5,
        "name": "Widget",
        "tags": ["a", "b", "c"],
        "active": true,
        "nothing": null,
        "owner": {"first": "Ada", "last": "Lovelace"},
        "items": [{"sku": "x1", "qty": 2}, {"sku": "x2", "qty": 5}],
        "big": 12345678901234567890u64,
        "text": "line one\nline two\nline three",
    })
}

async fn login(body: String) -> Response {
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    if form.get("authCode").map(String::as_str) == Some("app-secret-123") {
        axum::Json(json!({"AccessToken": TOKEN, "ExpiresIn": 3600, "TokenType": "Bearer"}))
            .into_response()
    } else {
        (StatusCode::UNAUTHORIZED, "").into_response()
    }
}

async fn me(headers: HeaderMap) -> Response {
    let expected = format!("Bearer {TOKEN}");
    if headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(expected.as_str()) {
        axum::Json(json!({"user": "ada", "token_echo": TOKEN})).into_response()
    } else {
        (StatusCode::UNAUTHORIZED, "").into_response()
    }
}

async fn echo(method: Method, uri: Uri, headers: HeaderMap, body: String) -> impl IntoResponse {
    let hs: serde_json::Map<String, Value> = headers
        .iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                Value::String(v.to_str().unwrap_or("").to_string()),
            )
        })
        .collect();
    let parsed: Value = serde_json::from_str(&body).unwrap_or(Value::String(body.clone()));
    let query: Vec<Value> = uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| json!([k, v]))
                .collect()
        })
        .unwrap_or_default();
    axum::Json(
        json!({"method": method.to_string(), "path": uri.path(), "query": query, "headers": hs, "body": parsed}),
    )
}

async fn status(Path(code): Path<u16>) -> Response {
    (
        StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST),
        axum::Json(json!({"code": code})),
    )
        .into_response()
}

async fn slow(Query(q): Query<HashMap<String, u64>>) -> &'static str {
    tokio::time::sleep(Duration::from_millis(q.get("ms").copied().unwrap_or(1000))).await;
    "done"
}

async fn rate(State(s): State<Arc<Shared>>) -> Response {
    let n = s.rate_hits.fetch_add(1, Ordering::SeqCst);
    if n < 2 {
        (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "0")], axum::Json(json!({"RetryAfterSeconds": 0, "Message": "slow down", "Type": "TooManyRequestsException"}))).into_response()
    } else {
        axum::Json(json!({"ok": true, "after": n})).into_response()
    }
}
