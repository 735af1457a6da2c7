//! A Server-Sent Events reader over a streaming reqwest response, shared by the api and demo
//! suites: blocks split at blank lines, keep-alive comments skipped, data parsed as JSON.

use std::time::Duration;

use serde_json::Value;

/// Longest wait for the next chunk before the test fails (a deadline, not a measurement).
pub const DEADLINE: Duration = Duration::from_secs(20);

/// One SSE message: its id and parsed data.
#[derive(Debug)]
pub struct Message {
    pub id: Option<String>,
    pub data: Value,
}

/// A streaming `/events` response, split into messages.
pub struct SseStream {
    response: reqwest::Response,
    buffer: String,
}

impl SseStream {
    /// Checks the response is an event stream and waits for the server's greeting, so the
    /// subscription is in place before the test appends anything.
    pub async fn greeted(response: reqwest::Response) -> Self {
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        let mut stream = Self {
            response,
            buffer: String::new(),
        };
        let greeting = stream.block().await.unwrap();
        assert!(
            greeting.contains(": connected") && greeting.contains("retry:"),
            "{greeting}"
        );
        stream
    }

    /// The next blank-line-terminated block, or `None` when the body ended.
    pub async fn block(&mut self) -> Option<String> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block = self.buffer[..end].to_owned();
                self.buffer.drain(..end + 2);
                return Some(block);
            }
            let chunk = tokio::time::timeout(DEADLINE, self.response.chunk())
                .await
                .expect("no SSE data before the deadline")
                .unwrap()?;
            self.buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }

    /// The next message with data (keep-alive comments are skipped).
    pub async fn message(&mut self) -> Message {
        loop {
            let block = self.block().await.expect("the stream ended");
            let field = |name: &str| {
                block
                    .lines()
                    .find_map(|line| line.strip_prefix(name))
                    .map(|v| v.trim_start().to_owned())
            };
            if let Some(data) = field("data:") {
                return Message {
                    id: field("id:"),
                    data: serde_json::from_str(&data).unwrap(),
                };
            }
        }
    }
}
