//! A mail server for tests, on a loopback port: it speaks SMTP (mailin's state machine over a tokio
//! listener), accepts every message and keeps it, parsed, for the test to read. Stopping it and
//! starting one on the same port again is how a test makes delivery fail and then succeed.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mailin::{Action, Handler, Response, SessionBuilder};
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// A message the server took.
#[derive(Clone, Debug)]
pub struct ReceivedMail {
    pub recipients: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl ReceivedMail {
    /// The first address in the plain-text body.
    #[must_use]
    pub fn link(&self) -> String {
        self.text
            .split_whitespace()
            .find(|word| word.starts_with("http://") || word.starts_with("https://"))
            .unwrap_or_else(|| panic!("no link in {:?}", self.text))
            .to_owned()
    }

    /// The `token` query parameter of the link.
    #[must_use]
    pub fn token(&self) -> String {
        let link = self.link();
        let (_, query) = link.split_once('?').expect("a query in the link");
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix("token="))
            .expect("a token in the link")
            .to_owned()
    }
}

type Inbox = Arc<Mutex<Vec<ReceivedMail>>>;

/// The running server; stopped when dropped.
#[derive(Debug)]
pub struct TestSmtp {
    pub address: SocketAddr,
    inbox: Inbox,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestSmtp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TestSmtp {
    pub async fn start() -> Self {
        Self::start_at("127.0.0.1:0".parse().expect("an address")).await
    }

    /// A server on `address` (the port of one stopped before: the api's `SMTP_URL` stays right).
    pub async fn start_at(address: SocketAddr) -> Self {
        let listener = TcpListener::bind(address).await.expect("a TCP port");
        let address = listener.local_addr().expect("its address");
        let inbox = Inbox::default();
        let task = tokio::spawn(serve(listener, Arc::clone(&inbox)));
        Self {
            address,
            inbox,
            task,
        }
    }

    /// `smtp://` for this server (no TLS on loopback).
    #[must_use]
    pub fn url(&self) -> String {
        format!("smtp://{}", self.address)
    }

    /// Every message taken so far, oldest first.
    #[must_use]
    pub fn received(&self) -> Vec<ReceivedMail> {
        self.inbox.lock().expect("inbox").clone()
    }

    /// The messages taken for `recipient`, oldest first.
    #[must_use]
    pub fn received_by(&self, recipient: &str) -> Vec<ReceivedMail> {
        self.received()
            .into_iter()
            .filter(|mail| mail.recipients.iter().any(|to| to == recipient))
            .collect()
    }

    /// Waits (up to ten seconds) until `recipient` has been sent `count` messages; answers them.
    pub async fn wait_for(&self, recipient: &str, count: usize) -> Vec<ReceivedMail> {
        self.wait_for_matching(recipient, count, |_| true).await
    }

    /// Waits (up to ten seconds) until `recipient` has been sent `count` messages that `matching`
    /// accepts; answers those.
    pub async fn wait_for_matching(
        &self,
        recipient: &str,
        count: usize,
        matching: impl Fn(&ReceivedMail) -> bool,
    ) -> Vec<ReceivedMail> {
        let matches = || -> Vec<ReceivedMail> {
            self.received_by(recipient)
                .into_iter()
                .filter(|mail| matching(mail))
                .collect()
        };
        for _ in 0..200 {
            let mails = matches();
            if mails.len() >= count {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "{recipient} got {} such messages, not {count}",
            matches().len()
        );
    }

    /// The last message sent to `recipient`, once there is one.
    pub async fn last_for(&self, recipient: &str) -> ReceivedMail {
        let mails = self.wait_for(recipient, 1).await;
        mails.last().cloned().expect("one message at least")
    }
}

async fn serve(listener: TcpListener, inbox: Inbox) {
    loop {
        let Ok((stream, peer)) = listener.accept().await else {
            continue;
        };
        tokio::spawn(converse(stream, peer, Arc::clone(&inbox)));
    }
}

/// One SMTP conversation, line by line through mailin's state machine.
async fn converse(stream: TcpStream, peer: SocketAddr, inbox: Inbox) {
    let handler = Keeper {
        inbox,
        recipients: Vec::new(),
        data: Vec::new(),
    };
    let mut session = SessionBuilder::new("test-smtp").build(peer.ip(), handler);
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    if write(&mut writer, &session.greeting()).await.is_err() {
        return;
    }
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let response = session.process(&line);
        match response.action {
            Action::NoReply => {}
            Action::Reply | Action::UpgradeTls => {
                if write(&mut writer, &response).await.is_err() {
                    return;
                }
            }
            Action::Close => {
                let _written = write(&mut writer, &response).await;
                return;
            }
        }
    }
}

async fn write(
    writer: &mut tokio::net::tcp::OwnedWriteHalf,
    response: &Response,
) -> std::io::Result<()> {
    writer.write_all(&response.buffer()?).await
}

/// Keeps each message it is given.
struct Keeper {
    inbox: Inbox,
    recipients: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Keeper {
    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.recipients = to.to_vec();
        self.data.clear();
        mailin::response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let Some(message) = mail_parser::MessageParser::default().parse(&self.data) else {
            return mailin::response::TRANSACTION_FAILED;
        };
        let mail = ReceivedMail {
            recipients: std::mem::take(&mut self.recipients),
            subject: message.subject().unwrap_or_default().to_owned(),
            text: message.body_text(0).unwrap_or_default().into_owned(),
            html: message.body_html(0).unwrap_or_default().into_owned(),
        };
        self.inbox.lock().expect("inbox").push(mail);
        mailin::response::OK
    }
}
