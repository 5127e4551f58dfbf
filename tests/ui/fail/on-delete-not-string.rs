use stillroom::Model;

#[derive(Model)]
struct Task {
    #[model(primary_key)]
    id: String,
    #[model(references = "jobs(id)", on_delete = cascade)]
    job_id: String,
}

fn main() {}
