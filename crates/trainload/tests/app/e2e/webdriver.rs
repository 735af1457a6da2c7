//! A minimal W3C WebDriver client over reqwest, driving `chromedriver` and headless Chromium
//! found on `PATH`: just the commands the browser test needs (navigate, find, click, read, run a
//! script, screenshot). No extra crate: WebDriver is JSON over HTTP.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};

/// The key under which WebDriver returns an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
/// The driver's program name.
pub const CHROMEDRIVER: &str = "chromedriver";
/// The browser's program names, in the order they are looked for (Debian, then other systems).
const CHROMIUM: [&str; 4] = ["chromium", "chromium-browser", "google-chrome", "chrome"];

/// The first executable file called `name` in a directory of `PATH`.
pub fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|path| path.is_file())
}

/// The driver and a browser for it, when both are installed.
pub fn installed() -> Option<(PathBuf, PathBuf)> {
    let driver = on_path(CHROMEDRIVER)?;
    let browser = CHROMIUM.into_iter().find_map(on_path)?;
    Some((driver, browser))
}

/// A running `chromedriver`; killed on drop.
pub struct Driver {
    child: Child,
    browser: PathBuf,
    base: String,
    http: reqwest::Client,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    /// Starts the `driver` program on a free loopback port, for `browser`, and waits until it
    /// is ready.
    pub async fn start((driver, browser): (PathBuf, PathBuf)) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let driver = Self {
            child,
            browser,
            base: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = driver
                .http
                .get(format!("{}/status", driver.base))
                .send()
                .await
                .ok();
            if let Some(response) = ready {
                let body: Value = response.json().await.unwrap_or_default();
                if body["value"]["ready"] == true {
                    return driver;
                }
            }
            assert!(Instant::now() < deadline, "chromedriver never became ready");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A new headless browser session, 1280 px wide, with its own empty profile in
    /// `profile_dir`.
    pub async fn session(&self, profile_dir: &Path) -> Session<'_> {
        self.session_sized(profile_dir, (1280, 1000)).await
    }

    /// A new headless browser session with a window of `(width, height)` CSS pixels.
    pub async fn session_sized(
        &self,
        profile_dir: &Path,
        (width, height): (u32, u32),
    ) -> Session<'_> {
        // The flags keep Chromium off the (closed) network and work as root in a container.
        let args = [
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", profile_dir.display()),
        ];
        let capabilities = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                // Emulated metrics, so a phone's width is exact (a headless window is at least
                // 500 px wide).
                "goog:chromeOptions": {
                    "binary": self.browser,
                    "args": args,
                    "mobileEmulation": { "deviceMetrics": {
                        "width": width, "height": height, "pixelRatio": 1, "mobile": width < 600,
                    }},
                },
            }}
        });
        let response = self.call("POST", "/session", Some(capabilities)).await;
        let id = response["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {response}"))
            .to_owned();
        Session {
            driver: self,
            prefix: format!("/session/{id}"),
        }
    }

    /// One WebDriver command; panics with the driver's message on an error.
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let request = match method {
            "GET" => self.http.get(url),
            "DELETE" => self.http.delete(url),
            _ => self.http.post(url).json(&body.unwrap_or_else(|| json!({}))),
        };
        let response = request.send().await.expect("chromedriver answers");
        let status = response.status();
        let body: Value = response.json().await.expect("chromedriver sends JSON");
        assert!(status.is_success(), "{method} {path}: {status} {body}");
        body["value"].clone()
    }
}

/// One browser session; ends when dropped is not possible (async), so call [`Session::quit`].
pub struct Session<'d> {
    driver: &'d Driver,
    prefix: String,
}

/// A reference to an element on the current page.
pub struct Element(String);

impl Session<'_> {
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.driver
            .call(method, &format!("{}{path}", self.prefix), body)
            .await
    }

    /// Navigates to `url` and waits for the page to load.
    pub async fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url }))).await;
    }

    /// The current URL.
    pub async fn url(&self) -> String {
        self.call("GET", "/url", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Every element matching the CSS `selector` right now.
    pub async fn find_all(&self, selector: &str) -> Vec<Element> {
        let found = self
            .call(
                "POST",
                "/elements",
                Some(json!({ "using": "css selector", "value": selector })),
            )
            .await;
        found
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e[ELEMENT_KEY].as_str())
            .map(|id| Element(id.to_owned()))
            .collect()
    }

    /// The first element matching `selector`, waiting up to `timeout` for it to appear.
    pub async fn wait_for(&self, selector: &str, timeout: Duration) -> Element {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(element) = self.find_all(selector).await.into_iter().next() {
                return element;
            }
            if Instant::now() > deadline {
                let url = self.url().await;
                panic!("no element {selector:?} on {url} within {timeout:?}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Clicks `element`.
    pub async fn click(&self, element: &Element) {
        self.call("POST", &format!("/element/{}/click", element.0), None)
            .await;
    }

    /// The rendered text of `element`.
    pub async fn text(&self, element: &Element) -> String {
        self.call("GET", &format!("/element/{}/text", element.0), None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The attribute `name` of `element`, if set.
    pub async fn attribute(&self, element: &Element, name: &str) -> Option<String> {
        self.call(
            "GET",
            &format!("/element/{}/attribute/{name}", element.0),
            None,
        )
        .await
        .as_str()
        .map(str::to_owned)
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns its value.
    pub async fn script(&self, script: &str, args: Value) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
        .await
    }

    /// Grants this page's origin the browser permission `name` (e.g. `notifications`), as a
    /// person's "Allow" would (the WebDriver permissions extension).
    pub async fn grant(&self, name: &str) {
        let body = json!({ "descriptor": { "name": name }, "state": "granted" });
        self.call("POST", "/permissions", Some(body)).await;
    }

    /// Saves a PNG screenshot of the viewport to `path`.
    pub async fn screenshot(&self, path: &Path) {
        let encoded = self.call("GET", "/screenshot", None).await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().unwrap_or_default())
            .unwrap();
        std::fs::write(path, png).unwrap();
    }

    /// Ends the session (closes the browser).
    pub async fn quit(self) {
        self.call("DELETE", "", None).await;
    }
}
