//! A small, fast HTTP target for `bench/run.sh` (not part of `runner`): a login that hands out a
//! token, authenticated items, a create that returns an id, an echo, and a 10 MiB JSON body.
//! Prints `PORT` on stdout, then serves on 127.0.0.1 until killed.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

const TOKEN: &str = "bench-token-0123456789abcdef";

fn authorised(h: &HeaderMap) -> bool {
    h.get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.strip_prefix("Bearer ") == Some(TOKEN))
}

fn json(body: String) -> Response {
    ([("content-type", "application/json")], body).into_response()
}

fn big_body() -> Arc<Bytes> {
    // ~10 MiB: an array of objects.
    let mut s = String::with_capacity(11 << 20);
    s.push_str("{\"items\":[");
    let mut i = 0u64;
    while s.len() < 10 << 20 {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!("{{\"id\":{i},\"name\":\"item number {i}\",\"price\":{}.5,\"tags\":[\"a\",\"b\"],\"active\":true}}", i % 1000));
        i += 1;
    }
    s.push_str(&format!("],\"count\":{i},\"last\":{}}}", i - 1));
    Arc::new(Bytes::from(s))
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let big = big_body();
        let app = Router::new()
            .route("/login", post(|| async { json(format!("{{\"token\":\"{TOKEN}\",\"expires\":3600}}")) }))
            .route(
                "/items/{id}",
                get(|Path(id): Path<u64>, h: HeaderMap| async move {
                    if !authorised(&h) {
                        return StatusCode::UNAUTHORIZED.into_response();
                    }
                    json(format!("{{\"id\":{id},\"name\":\"item {id}\",\"price\":9.5,\"tags\":[\"x\",\"y\"]}}"))
                }),
            )
            .route(
                "/items",
                post(|h: HeaderMap| async move {
                    if !authorised(&h) {
                        return StatusCode::UNAUTHORIZED.into_response();
                    }
                    json("{\"id\":4711}".to_string())
                }),
            )
            .route("/echo", post(|body: Bytes| async move { ([("content-type", "application/json")], body).into_response() }))
            .route("/big", get(move || { let b = big.clone(); async move { ([("content-type", "application/json")], (*b).clone()).into_response() } }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        println!("{}", listener.local_addr().expect("addr").port());
        use std::io::Write as _;
        let _ = std::io::stdout().flush();
        axum::serve(listener, app).await.expect("serve");
    });
}
