use stillroom::Model;

#[derive(Model)]
enum Status {
    Queued,
    Done,
}

fn main() {}
