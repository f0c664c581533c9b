//! A DNS server for tests, on a loopback UDP port: it answers TXT questions from the records a
//! test publishes and withdraws, and NXDOMAIN for any other name, so that the api's resolver has
//! a real server to ask (`Settings::dns_resolver`).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::rdata::TXT;
use hickory_proto::rr::{Name, RData, Record, RecordType};
use tokio::net::UdpSocket;

type Records = Arc<Mutex<HashMap<String, Vec<String>>>>;

/// The running server; stopped when dropped.
#[derive(Debug)]
pub struct TestDns {
    pub address: SocketAddr,
    records: Records,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestDns {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TestDns {
    pub async fn start() -> Self {
        let socket = UdpSocket::bind("127.0.0.1:0").await.expect("a UDP port");
        let address = socket.local_addr().expect("its address");
        let records = Records::default();
        let task = tokio::spawn(serve(socket, Arc::clone(&records)));
        Self {
            address,
            records,
            task,
        }
    }

    /// Publishes a TXT record at `name` (besides any already there).
    pub fn publish_txt(&self, name: &str, value: &str) {
        self.records
            .lock()
            .expect("records")
            .entry(key(name))
            .or_default()
            .push(value.to_owned());
    }

    /// Withdraws every record at `name`.
    pub fn withdraw(&self, name: &str) {
        self.records.lock().expect("records").remove(&key(name));
    }
}

fn key(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

async fn serve(socket: UdpSocket, records: Records) {
    let mut buffer = [0_u8; 1500];
    loop {
        let Ok((length, from)) = socket.recv_from(&mut buffer).await else {
            continue;
        };
        let Ok(request) = Message::from_vec(&buffer[..length]) else {
            continue;
        };
        let answer = answer(&request, &records);
        if let Ok(bytes) = answer.to_vec() {
            let _sent = socket.send_to(&bytes, from).await;
        }
    }
}

fn answer(request: &Message, records: &Records) -> Message {
    let meta = &request.metadata;
    let Some(query) = request.queries.first() else {
        return Message::error_msg(meta.id, meta.op_code, ResponseCode::FormErr);
    };
    let name = key(&query.name().to_ascii());
    let found = records.lock().expect("records").get(&name).cloned();
    let Some(values) = found else {
        let mut refused = Message::error_msg(meta.id, meta.op_code, ResponseCode::NXDomain);
        refused.queries.push(query.clone());
        return refused;
    };
    let mut response = Message::response(meta.id, meta.op_code);
    response.metadata.authoritative = true;
    response.metadata.recursion_desired = meta.recursion_desired;
    response.metadata.recursion_available = true;
    response.queries.push(query.clone());
    if query.query_type() == RecordType::TXT {
        let owner = Name::from_ascii(format!("{name}.")).expect("a name");
        for value in values {
            let txt = RData::TXT(TXT::new(vec![value]));
            response
                .answers
                .push(Record::from_rdata(owner.clone(), 0, txt));
        }
    }
    response
}
