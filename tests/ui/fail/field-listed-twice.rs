use stillroom::Model;

#[derive(Model)]
#[model(primary_key(slug, slug))]
struct Episode {
    slug: String,
    season: i64,
}

fn main() {}
