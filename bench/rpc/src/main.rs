//! `rpc-bench --unix PATH | --tcp HOST:PORT --method NAME --clients N --seconds S`
//!
//! N threads, each with one keep-alive HTTP/1.1 connection, send the same XML-RPC call
//! back to back for S seconds. Prints one line: `requests rps p50_us p99_us` (latencies of
//! every request of every client). std only, so it measures the server, not the client.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

enum Target {
    Unix(String),
    Tcp(String),
}

trait Stream: Read + Write + Send {}
impl Stream for UnixStream {}
impl Stream for TcpStream {}

fn connect(target: &Target) -> Box<dyn Stream> {
    match target {
        Target::Unix(path) => Box::new(UnixStream::connect(path).expect("connect unix socket")),
        Target::Tcp(addr) => {
            let s = TcpStream::connect(addr).expect("connect tcp");
            s.set_nodelay(true).expect("nodelay");
            Box::new(s)
        }
    }
}

fn request(method: &str) -> Vec<u8> {
    let body = format!(
        "<?xml version='1.0'?>\n<methodCall>\n<methodName>{method}</methodName>\n<params>\n</params>\n</methodCall>\n"
    );
    format!(
        "POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: identity\r\n\
         User-Agent: rpc-bench\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Read one response; returns the body length. Handles Content-Length and chunked bodies.
fn read_response(reader: &mut BufReader<Box<dyn Stream>>) -> usize {
    let mut line = String::new();
    let mut length = None;
    let mut chunked = false;
    reader.read_line(&mut line).expect("status line");
    assert!(line.contains(" 200 "), "unexpected status: {line:?}");
    loop {
        line.clear();
        reader.read_line(&mut line).expect("header");
        if line == "\r\n" || line.is_empty() {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse::<usize>().ok();
        }
        if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
            chunked = true;
        }
    }
    if chunked {
        let mut total = 0;
        loop {
            line.clear();
            reader.read_line(&mut line).expect("chunk size");
            let size = usize::from_str_radix(line.trim(), 16).expect("chunk size hex");
            let mut buf = vec![0; size + 2];
            reader.read_exact(&mut buf).expect("chunk");
            total += size;
            if size == 0 {
                return total;
            }
        }
    }
    let n = length.expect("Content-Length");
    let mut buf = vec![0; n];
    reader.read_exact(&mut buf).expect("body");
    assert!(buf.starts_with(b"<?xml") && !buf.windows(7).any(|w| w == b"<fault>"));
    n
}

fn client(target: &Target, req: &[u8], until: Instant) -> Vec<u32> {
    let stream = connect(target);
    let mut reader = BufReader::with_capacity(1 << 16, stream);
    let mut latencies = Vec::new();
    while Instant::now() < until {
        let start = Instant::now();
        reader.get_mut().write_all(req).expect("send");
        read_response(&mut reader);
        latencies.push(start.elapsed().as_micros() as u32);
    }
    latencies
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let get = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let target = match (get("--unix"), get("--tcp")) {
        (Some(p), _) => Target::Unix(p),
        (_, Some(a)) => Target::Tcp(a),
        _ => panic!("--unix PATH or --tcp HOST:PORT"),
    };
    let method = get("--method").unwrap_or_else(|| "supervisor.getState".into());
    let clients: usize = get("--clients").map_or(1, |c| c.parse().expect("--clients"));
    let seconds: f64 = get("--seconds").map_or(3.0, |s| s.parse().expect("--seconds"));
    let req = request(&method);
    // one warm-up call, so a connection refused fails before the clock starts
    client(&target, &req, Instant::now() + Duration::from_millis(50));
    let start = Instant::now();
    let until = start + Duration::from_secs_f64(seconds);
    let mut all: Vec<u32> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..clients)
            .map(|_| s.spawn(|| client(&target, &req, until)))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("client thread"))
            .collect()
    });
    let elapsed = start.elapsed().as_secs_f64();
    all.sort_unstable();
    let pct = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)];
    println!(
        "{} {:.0} {} {}",
        all.len(),
        all.len() as f64 / elapsed,
        pct(0.50),
        pct(0.99)
    );
}
