//! Micro-benchmarks of the per-request work and of loading: `cargo bench --bench micro`.
//! They print figures; regressions show up as numbers, not as failing tests.

use std::time::Duration;

use indexmap::IndexMap;
use runner::model::Vars;
use runner::scope::{Layers, Resolver};
use runner::source::SourceFile;
use runner::template::Templates;
use serde_json::{Value, json};

fn main() {
    divan::main();
}

/// A collection of `n` requests like the end-to-end benchmark's flow.
fn collection_text(n: usize) -> String {
    let mut s = String::from(
        "name: bench\nvariables:\n  base: http://127.0.0.1:1\nauth:\n  bearer: \"{{ token }}\"\nitems:\n",
    );
    s.push_str("  - name: login\n    method: POST\n    url: \"{{ base }}/login\"\n    auth: none\n    capture:\n      token: $.token\n");
    for i in 1..=n {
        s.push_str(&format!("  - name: r{i}\n    url: \"{{{{ base }}}}/items/{i}\"\n    expect:\n      status: 200\n      json:\n        $.id: {i}\n"));
    }
    s
}

#[divan::bench]
fn load_1000_requests(b: divan::Bencher) {
    let text = collection_text(1000);
    b.bench(|| {
        let mut t = Templates::new();
        runner::parse::parse_collection(SourceFile::new("bench.yaml", text.clone()), &mut t)
            .expect("valid")
    });
}

struct Fixture {
    templates: Templates,
    collection: runner::model::Collection,
    captures: IndexMap<String, Value>,
    cli: IndexMap<String, Value>,
    env: Vars,
}

fn fixture(extra: &str) -> Fixture {
    let mut templates = Templates::new();
    let text =
        format!("name: f\nvariables:\n  base: http://127.0.0.1:1\nitems:\n  - name: r\n{extra}");
    let collection =
        runner::parse::parse_collection(SourceFile::new("f.yaml", text), &mut templates)
            .expect("valid");
    let mut captures = IndexMap::new();
    captures.insert("id".to_string(), json!(42));
    captures.insert("name".to_string(), json!("Ada"));
    Fixture {
        templates,
        collection,
        captures,
        cli: IndexMap::new(),
        env: Vars::default(),
    }
}

impl Fixture {
    fn resolver(&self) -> Resolver<'_> {
        let req = &self.collection.requests[0];
        Resolver::new(
            &self.templates,
            Layers {
                captures: &self.captures,
                cli: &self.cli,
                env: &self.env,
                local: &req.vars,
            },
        )
    }
}

#[divan::bench]
fn render_url_plain_variables(b: divan::Bencher) {
    let f = fixture("    url: \"{{ base }}/items/{{ id }}?who={{ name }}\"\n");
    let url = &f.collection.requests[0].url;
    b.bench(|| f.resolver().render_string(url).expect("renders"));
}

#[divan::bench]
fn render_url_with_filters(b: divan::Bencher) {
    let f = fixture("    url: \"{{ base }}/items/{{ id + 1 }}?who={{ name | upper }}\"\n");
    let url = &f.collection.requests[0].url;
    b.bench(|| f.resolver().render_string(url).expect("renders"));
}

#[divan::bench]
fn render_json_body(b: divan::Bencher) {
    let f = fixture(
        "    url: x\n    json: { id: \"{{ id }}\", name: \"{{ name }}\", tags: [a, b], nested: { ref: \"ref-{{ id }}\" } }\n",
    );
    let Some(runner::model::Body::Json(t)) = &f.collection.requests[0].body else {
        unreachable!()
    };
    b.bench(|| f.resolver().render(t).expect("renders"));
}

#[divan::bench]
fn five_jsonpath_assertions(b: divan::Bencher) {
    let f = fixture(
        "    url: x\n    expect:\n      status: 200\n      json:\n        $.id: \"{{ id }}\"\n        $.name: { type: string, matches: \"^A\" }\n        $.items[*].sku: { length: 2 }\n        $.owner.first: Ada\n",
    );
    let body = json!({"id": 42, "name": "Ada", "items": [{"sku": "a"}, {"sku": "b"}], "owner": {"first": "Ada"}}).to_string();
    let req = &f.collection.requests[0];
    b.bench(|| {
        // A fresh exchange each time: the body is parsed once per response, as in a run.
        let ex = runner::http::Exchange::new(
            200,
            Default::default(),
            body.clone().into(),
            Duration::from_millis(1),
        );
        let r = f.resolver();
        let passed: usize = req
            .expect
            .iter()
            .map(|a| {
                runner::assert::check(a, &ex, &r, false)
                    .iter()
                    .filter(|x| x.passed)
                    .count()
            })
            .sum();
        assert_eq!(passed, 6);
        passed
    });
}

#[divan::bench]
fn mask_secrets(b: divan::Bencher) {
    let mut r = runner::redact::Redactor::default();
    r.add(&json!("s3cr3t-token-value"));
    r.add(&json!("app-secret-123"));
    let text = "GET http://127.0.0.1:1/items/42?token=s3cr3t-token-value&x=1".to_string();
    b.bench(|| r.mask(&text));
}
