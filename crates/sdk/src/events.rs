use futures::StreamExt;
use govchain_api_types::dto::{BlockEvent, ModuleEvent};

use crate::{Client, SdkError};

/// An event from `/v1/events`.
#[derive(Clone, Debug)]
pub enum StreamEvent {
    /// A committed block.
    Block(BlockEvent),
    /// A module event.
    Event(ModuleEvent),
    /// The subscriber fell behind and events were skipped.
    Lagged,
}

/// A server-sent-events subscription.
pub struct EventStream {
    inner: std::pin::Pin<Box<dyn futures::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    buf: Vec<u8>,
}

impl Client {
    /// Subscribes to the event stream (with transaction ids in block events when `txs`).
    pub async fn events(&self, txs: bool) -> Result<EventStream, SdkError> {
        let resp = self
            .http()
            .get(format!("{}/v1/events?txs={txs}", self.base()))
            .timeout(std::time::Duration::from_secs(24 * 3600))
            .send()
            .await?
            .error_for_status()?;
        Ok(EventStream { inner: Box::pin(resp.bytes_stream()), buf: Vec::new() })
    }
}

impl EventStream {
    /// The next event; None when the stream ends.
    pub async fn next(&mut self) -> Option<Result<StreamEvent, SdkError>> {
        loop {
            if let Some(pos) = self.buf.windows(2).position(|w| w == b"\n\n") {
                let frame: Vec<u8> = self.buf.drain(..pos + 2).collect();
                if let Some(ev) = parse_frame(&String::from_utf8_lossy(&frame)) {
                    return Some(Ok(ev));
                }
                continue;
            }
            let chunk = self.inner.next().await?;
            match chunk {
                Ok(bytes) => self.buf.extend_from_slice(&bytes),
                Err(e) => return Some(Err(e.into())),
            }
        }
    }
}

fn parse_frame(frame: &str) -> Option<StreamEvent> {
    let mut kind = "";
    let mut data = String::new();
    for line in frame.lines() {
        if let Some(k) = line.strip_prefix("event:") {
            kind = k.trim();
        } else if let Some(d) = line.strip_prefix("data:") {
            data.push_str(d.trim_start());
        }
    }
    match kind {
        "block" => serde_json::from_str(&data).ok().map(StreamEvent::Block),
        "event" => serde_json::from_str(&data).ok().map(StreamEvent::Event),
        "lagged" => Some(StreamEvent::Lagged),
        _ => None,
    }
}
