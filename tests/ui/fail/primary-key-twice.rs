use stillroom::Model;

#[derive(Model)]
#[model(primary_key(slug, season))]
struct Episode {
    #[model(primary_key)]
    slug: String,
    season: i64,
}

fn main() {}
