//! A TCP proxy between devices and the server that counts the bytes it carries and, when
//! told to, cuts connections after a random number of bytes (as a flaky network does),
//! or refuses every connection (as no network does). In front of several servers it
//! balances as a load balancer does: each new connection goes to the next one.

use proptest::prelude::Rng;
use proptest::test_runner::{RngAlgorithm, TestRng};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

struct Shared {
    /// Bytes from the device to the server, and back.
    up: AtomicU64,
    down: AtomicU64,
    cuts: AtomicU64,
    offline: AtomicBool,
    faults: Mutex<Faults>,
    /// Connections carried to each upstream, in the order given.
    connections: Vec<AtomicU64>,
}

struct Faults {
    /// Connections still to cut.
    remaining: u64,
    /// A connection is cut after a random number of bytes below this.
    max_bytes: u64,
    rng: TestRng,
}

impl Default for Faults {
    fn default() -> Self {
        Self { remaining: 0, max_bytes: 0, rng: seeded(0) }
    }
}

/// A generator whose sequence the seed fixes, so a failing run can be repeated.
fn seeded(seed: u64) -> TestRng {
    TestRng::from_seed(RngAlgorithm::ChaCha, &[seed.to_le_bytes(); 4].concat())
}

#[derive(Clone)]
pub struct Proxy {
    pub url: String,
    shared: Arc<Shared>,
}

impl Proxy {
    /// A proxy on a free local port in front of `upstream` (an http://host:port URL).
    pub async fn start(upstream: &str) -> Self {
        Self::balancing(&[upstream]).await
    }

    /// A proxy on a free local port that sends each new connection to the next of
    /// `upstreams`, in turn.
    pub async fn balancing(upstreams: &[&str]) -> Self {
        let targets: Vec<String> = upstreams.iter().map(|u| u.trim_start_matches("http://").to_owned()).collect();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let shared = Arc::new(Shared {
            up: AtomicU64::new(0),
            down: AtomicU64::new(0),
            cuts: AtomicU64::new(0),
            offline: AtomicBool::new(false),
            faults: Mutex::default(),
            connections: targets.iter().map(|_| AtomicU64::new(0)).collect(),
        });
        let accepting = shared.clone();
        tokio::spawn(async move {
            let mut next = 0;
            while let Ok((device, _)) = listener.accept().await {
                let shared = accepting.clone();
                let (upstream, target) = (next, targets[next].clone());
                next = (next + 1) % targets.len();
                tokio::spawn(async move { carry(device, upstream, &target, shared).await });
            }
        });
        Self { url, shared }
    }

    /// How many connections went to each upstream, in the order given.
    pub fn connections(&self) -> Vec<u64> {
        self.shared.connections.iter().map(|count| count.load(Ordering::SeqCst)).collect()
    }

    /// Cuts the next `connections` connections, each after up to `max_bytes` bytes.
    pub fn cut_connections(&self, connections: u64, max_bytes: u64, seed: u64) {
        *self.shared.faults.lock().unwrap() = Faults { remaining: connections, max_bytes, rng: seeded(seed) };
    }

    /// Refuses every connection (no network) until called with false.
    pub fn set_offline(&self, offline: bool) {
        self.shared.offline.store(offline, Ordering::SeqCst);
    }

    pub fn cuts(&self) -> u64 {
        self.shared.cuts.load(Ordering::SeqCst)
    }

    pub fn bytes_down(&self) -> u64 {
        self.shared.down.load(Ordering::SeqCst)
    }

    pub fn bytes_up(&self) -> u64 {
        self.shared.up.load(Ordering::SeqCst)
    }
}

async fn carry(mut device: TcpStream, upstream: usize, target: &str, shared: Arc<Shared>) {
    if shared.offline.load(Ordering::SeqCst) {
        return; // dropped at once: the device sees the connection closed
    }
    let Ok(mut server) = TcpStream::connect(target).await else { return };
    shared.connections[upstream].fetch_add(1, Ordering::SeqCst);
    let budget = {
        let mut faults = shared.faults.lock().unwrap();
        if faults.remaining > 0 && faults.max_bytes > 0 {
            faults.remaining -= 1;
            Some(faults.rng.next_u64() % faults.max_bytes)
        } else {
            None
        }
    };
    let mut left = budget.unwrap_or(u64::MAX);
    let (mut device_read, mut device_write) = device.split();
    let (mut server_read, mut server_write) = server.split();
    let (mut up, mut down) = (vec![0u8; 16 * 1024], vec![0u8; 16 * 1024]);
    loop {
        let (read, to_server) = tokio::select! {
            read = device_read.read(&mut up) => (read, true),
            read = server_read.read(&mut down) => (read, false),
        };
        let Ok(read) = read else { return };
        if read == 0 {
            return;
        }
        let carried = (read as u64).min(left) as usize;
        let written = if to_server {
            shared.up.fetch_add(carried as u64, Ordering::SeqCst);
            server_write.write_all(&up[..carried]).await
        } else {
            shared.down.fetch_add(carried as u64, Ordering::SeqCst);
            device_write.write_all(&down[..carried]).await
        };
        if written.is_err() {
            return;
        }
        left -= carried as u64;
        if left == 0 {
            shared.cuts.fetch_add(1, Ordering::SeqCst);
            // Abruptly, as a dropped link: both sides see a reset, not a clean close.
            let _ = device.set_zero_linger();
            let _ = server.set_zero_linger();
            return;
        }
    }
}
