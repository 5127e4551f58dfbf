use stillroom::Model;

struct Handle {
    fd: i32,
}

#[derive(Model)]
struct Job {
    #[model(primary_key)]
    id: String,
    #[model(skip)]
    handle: Handle,
}

fn main() {}
