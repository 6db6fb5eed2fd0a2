//! A TCP proxy the test controls: forwards while open; `cut` drops every connection and refuses
//! new ones until `heal`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

/// One proxy from `listen` to `target`.
pub struct Proxy {
    cut: Arc<AtomicBool>,
    pipes: Arc<Mutex<Vec<JoinHandle<()>>>>,
    acceptor: JoinHandle<()>,
}

impl Proxy {
    /// Starts forwarding.
    pub async fn start(listen: &str, target: &str) -> Proxy {
        let listener = TcpListener::bind(listen).await.expect("proxy bind");
        let cut = Arc::new(AtomicBool::new(false));
        let pipes: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let (c, p, target) = (cut.clone(), pipes.clone(), target.to_string());
        let acceptor = tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                if c.load(Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                let target = target.clone();
                let pipe = tokio::spawn(async move {
                    if let Ok(outbound) = TcpStream::connect(&target).await {
                        let (mut ri, mut wi) = inbound.into_split();
                        let (mut ro, mut wo) = outbound.into_split();
                        let a = tokio::io::copy(&mut ri, &mut wo);
                        let b = tokio::io::copy(&mut ro, &mut wi);
                        let _ = tokio::join!(a, b);
                    }
                });
                p.lock().await.push(pipe);
            }
        });
        Proxy { cut, pipes, acceptor }
    }

    /// Drops every open connection and refuses new ones.
    pub async fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        for p in self.pipes.lock().await.drain(..) {
            p.abort();
        }
    }

    /// Forwards again.
    pub fn heal(&self) {
        self.cut.store(false, Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.acceptor.abort();
    }
}
