//! A real headless Chromium, driven through WebDriver (Debian's `chromium` and `chromium-driver`),
//! for tests of the pages as people use them. Every page a test looks at is saved as a screenshot
//! under `target/ui/`.

use std::os::unix::process::CommandExt as _;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator, elements::Element};
use hyper_util::client::legacy::connect::HttpConnector;

/// Where the browser and its driver are; `CHROMIUM` and `CHROMEDRIVER` override.
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Browsers open at once in one test binary: on two cores, more Chromiums than this only queue
/// and time out.
static OPEN_BROWSERS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// The most one WebDriver command may take before the test fails (rather than hangs).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

async fn within<T>(what: &str, command: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(COMMAND_TIMEOUT, command)
        .await
        .unwrap_or_else(|_| panic!("the browser did not {what} within {COMMAND_TIMEOUT:?}"))
}

/// A browser session of one test, with its own driver process.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _turn: tokio::sync::SemaphorePermit<'static>,
    name: String,
    shots: AtomicUsize,
}

impl std::fmt::Debug for Browser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Browser")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// The folder screenshots are written to.
#[must_use]
pub fn screenshot_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"),
            PathBuf::from,
        )
        .join("ui")
}

impl Browser {
    /// Starts chromedriver on a free port and a headless Chromium `width` pixels wide. `name`
    /// prefixes the test's screenshots.
    pub async fn start(name: &str, width: u32) -> Self {
        let turn = OPEN_BROWSERS
            .acquire()
            .await
            .expect("the semaphore is never closed");
        let chromedriver =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| CHROMEDRIVER.to_owned());
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| CHROMIUM.to_owned());
        assert!(
            std::path::Path::new(&chromedriver).exists()
                && std::path::Path::new(&chromium).exists(),
            "browser tests need Chromium and its driver: apt-get install chromium chromium-driver \
             (.ci/run installs them), or set CHROMIUM and CHROMEDRIVER"
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            // Its own process group, so that the browser it starts ends with it.
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let capabilities = serde_json::json!({
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-extensions", "--no-first-run", "--hide-scrollbars",
                    format!("--window-size={width},900"),
                    // Storefront hosts (`shop.acme.test`) reach the local edges.
                    "--host-resolver-rules=MAP *.test 127.0.0.1",
                ],
            }
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("a JSON object");
        };
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = String::new();
        for _ in 0..100 {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    std::fs::create_dir_all(screenshot_dir()).expect("target/ui can be created");
                    return Self {
                        client,
                        driver,
                        _turn: turn,
                        name: name.to_owned(),
                        shots: AtomicUsize::new(0),
                    };
                }
                Err(error) => last_error = error.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromedriver did not start a session: {last_error}");
    }

    /// Opens `url` and saves a screenshot labelled `label`.
    pub async fn visit(&self, url: &str, label: &str) {
        within("open a page", self.client.goto(url))
            .await
            .expect("the page opens");
        self.screenshot(label).await;
    }

    /// Saves what the browser shows as `target/ui/<test>-<nn>-<label>.png`.
    pub async fn screenshot(&self, label: &str) {
        let number = self.shots.fetch_add(1, Ordering::Relaxed);
        // From the page's top, as it opens, whatever field was typed in last.
        within(
            "scroll to the top",
            self.client.execute("window.scrollTo(0, 0);", vec![]),
        )
        .await
        .expect("the page scrolls");
        let png = within("take a screenshot", self.client.screenshot())
            .await
            .expect("a screenshot");
        let path = screenshot_dir().join(format!("{}-{number:02}-{label}.png", self.name));
        std::fs::write(&path, png).expect("the screenshot is written");
    }

    /// The element `css` selects, waiting up to 5 s for it to appear.
    pub async fn find(&self, css: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(Duration::from_secs(5))
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(error) => panic!("no `{css}` on {}: {error}", self.url_now().await),
        }
    }

    /// Whether `css` selects anything now.
    pub async fn has(&self, css: &str) -> bool {
        self.client
            .find_all(Locator::Css(css))
            .await
            .is_ok_and(|found| !found.is_empty())
    }

    /// Types `text` into the input `css` (emptied first).
    pub async fn fill(&self, css: &str, text: &str) {
        let input = self.find(css).await;
        within("clear an input", input.clear())
            .await
            .expect("the input clears");
        within("type", input.send_keys(text))
            .await
            .expect("the input takes text");
    }

    /// Clicks `css` (a link or a submit button: waits for the next page).
    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        within("click", element.click())
            .await
            .expect("the element is clickable");
    }

    /// The text of the page's body.
    pub async fn text(&self) -> String {
        // A page replaced while it is read answers a stale element: read the new one.
        let mut last_error = String::new();
        for _ in 0..20 {
            let body = self.find("body").await;
            match within("read the page", body.text()).await {
                Ok(text) => return text,
                Err(error) => last_error = error.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the page could not be read: {last_error}");
    }

    /// Waits up to 5 s for the body to contain `text`; panics with the page otherwise.
    pub async fn wait_for_text(&self, text: &str) {
        for _ in 0..50 {
            if self.text().await.contains(text) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "`{text}` never appeared on {}:\n{}",
            self.url_now().await,
            self.text().await
        );
    }

    /// The address the browser is at.
    pub async fn url_now(&self) -> String {
        self.client
            .current_url()
            .await
            .map_or_else(|_| "?".to_owned(), |url| url.to_string())
    }

    /// What the input `css` holds now (empty when nothing was typed).
    pub async fn value(&self, css: &str) -> String {
        let element = self.find(css).await;
        within("read an input", element.prop("value"))
            .await
            .expect("the input is readable")
            .unwrap_or_default()
    }

    /// Loads the page again, as the reload button does (a GET: no form is sent again).
    pub async fn refresh(&self) {
        within("reload the page", self.client.refresh())
            .await
            .expect("the page reloads");
    }

    /// Makes this page's `confirm()` questions answer yes, as a person clicking OK would (until
    /// the next page loads).
    pub async fn accept_confirmations(&self) {
        self.client
            .execute("window.confirm = () => true;", vec![])
            .await
            .expect("the page runs a script");
    }

    /// Resizes the window (375 for a phone) and saves a screenshot labelled `label`.
    pub async fn screenshot_at(&self, width: u32, label: &str) {
        self.client
            .set_window_size(width, 900)
            .await
            .expect("the window resizes");
        self.screenshot(label).await;
    }

    /// Ends the browser and its driver. (fantoccini's own `close` waits for every handle of the
    /// session to be dropped; ending the processes is immediate and certain.)
    pub async fn close(self) {
        drop(self);
    }
}

impl Drop for Browser {
    /// The driver's whole process group ends, browser included, even when the test panicked.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--", &format!("-{}", self.driver.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
