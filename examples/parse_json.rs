//! For `bench/run.sh`: how long serde_json alone takes to parse a file (median of 5), in ms.

fn main() {
    let path = std::env::args().nth(1).expect("a JSON file");
    let bytes = std::fs::read(&path).expect("readable");
    let mut times: Vec<f64> = (0..5)
        .map(|_| {
            let start = std::time::Instant::now();
            let v: serde_json::Value = serde_json::from_slice(&bytes).expect("valid JSON");
            std::hint::black_box(v);
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!("{:.3}", times[2]);
}
