//! The API server on a runtime of its own: its worker threads and its blocking pool (where
//! reads run) are not the ones consensus, block building and commits use, so no API load can
//! queue in front of them; and its threads are few, so a flood of reads can use only part of
//! the machine.

use std::net::SocketAddr;
use std::sync::Arc;

use eyre::{Result, WrapErr};
use tokio::runtime::Runtime;
use tokio::task::JoinHandle;

/// The running API server; dropping it stops it.
pub(crate) struct ApiServer {
    runtime: Option<Runtime>,
    listener: Option<tokio::net::TcpListener>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

/// Threads of the API runtime.
#[derive(Clone, Copy, Debug)]
pub struct ApiThreads {
    /// Worker threads (requests, connections).
    pub workers: usize,
    /// Threads for reads that touch storage.
    pub blocking: usize,
}

impl Default for ApiThreads {
    fn default() -> Self {
        ApiThreads { workers: 2, blocking: 8 }
    }
}

impl ApiServer {
    /// Starts the API runtime and binds `addr` on it (tokio's listen backlog of 1,024); returns
    /// the server, still to [`ApiServer::serve`], and the bound address.
    pub(crate) async fn bind(addr: SocketAddr, threads: ApiThreads) -> Result<(ApiServer, SocketAddr)> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads.workers.max(1))
            .max_blocking_threads(threads.blocking.max(1))
            .thread_name("api")
            .enable_all()
            .build()
            .wrap_err("starting the API runtime")?;
        let listener = runtime
            .spawn(tokio::net::TcpListener::bind(addr))
            .await
            .wrap_err("the API runtime stopped")?
            .wrap_err_with(|| format!("binding the API to {addr}"))?;
        let bound = listener.local_addr()?;
        Ok((ApiServer { runtime: Some(runtime), listener: Some(listener), task: None }, bound))
    }

    /// Serves `router` under `guards` on the bound address.
    pub(crate) fn serve(&mut self, router: axum::Router, guards: Arc<govchain_api::Guards>) {
        if let (Some(rt), Some(listener)) = (&self.runtime, self.listener.take()) {
            self.task = Some(rt.spawn(govchain_api::serve(listener, router, guards)));
        }
    }

    /// Runs `f` on the API runtime (services that belong with the API, such as the data
    /// exchange).
    pub(crate) fn spawn<F>(&self, f: F) -> JoinHandle<F::Output>
    where
        F: std::future::Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match &self.runtime {
            Some(rt) => rt.spawn(f),
            None => tokio::spawn(f),
        }
    }

    /// Ends when the server stops (it does not on its own: only on a fatal error).
    pub(crate) async fn stopped(&mut self) -> std::io::Result<()> {
        match self.task.as_mut() {
            Some(t) => t.await.unwrap_or_else(|e| Err(std::io::Error::other(e))),
            None => std::future::pending().await,
        }
    }
}

impl Drop for ApiServer {
    fn drop(&mut self) {
        // A runtime may not be dropped from inside another one; this one need not wait.
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}
