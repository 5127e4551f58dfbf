use stillroom::Model;

#[derive(Model)]
#[model(tabel = "jobs")]
struct Job {
    #[model(primary_key)]
    id: String,
}

fn main() {}
