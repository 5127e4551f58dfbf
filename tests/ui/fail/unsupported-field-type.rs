use stillroom::Model;

struct Payload {
    bytes: Vec<u8>,
}

#[derive(Model)]
struct Job {
    #[model(primary_key)]
    id: String,
    payload: Payload,
}

fn main() {}
