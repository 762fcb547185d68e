use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use jesaisfaire_api::configuration::{DEFAULT_DATABASE_URL, Settings, ignoring_empty_variables};
use jesaisfaire_api::db::Db;
use jesaisfaire_api::domain::accounts;
use jesaisfaire_api::startup::{Application, openapi_spec};
use jesaisfaire_api::{demo, memory, telemetry};
use shared::Named;
use shared::auth::CreateUserRequest;
use shared::types::StaffRole;

/// JeSaisFaire API server. Configuration comes from environment variables (see README).
#[derive(Parser)]
#[command(version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (default, then configured by the environment alone).
    Serve(Box<Settings>),
    /// Create an agent, buyer or admin account. The password is read from
    /// JESAISFAIRE_PASSWORD or from standard input, never from the command line.
    CreateUser {
        #[arg(long, value_parser = ["agent", "buyer", "admin"])]
        role: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        display_name: String,
        /// Database: `sqlite://…` or `postgres://…`.
        #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, hide_env_values = true)]
        database_url: String,
    },
    /// Print the OpenAPI document as JSON.
    Openapi,
}

fn read_password() -> anyhow::Result<String> {
    if let Ok(password) = std::env::var("JESAISFAIRE_PASSWORD") {
        return Ok(password);
    }
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password("Mot de passe : ").context("cannot read password");
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn main() -> anyhow::Result<()> {
    memory::tune_allocator();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run())
}

async fn run() -> anyhow::Result<()> {
    let command = ignoring_empty_variables(Cli::command(), &|name| std::env::var_os(name));
    let cli = Cli::from_arg_matches(&command.get_matches()).unwrap_or_else(|e| e.exit());
    let command = match cli.command {
        Some(command) => command,
        None => Command::Serve(Box::new(Settings::from_env().unwrap_or_else(|e| e.exit()))),
    };
    match command {
        Command::Serve(settings) => {
            telemetry::init();
            let demo_data = settings.demo_data;
            let host = settings.addr.ip();
            let app = Application::build(*settings).await?;
            let base_url = format!("http://{host}:{}", app.port());
            tracing::info!(%base_url, "listening");
            println!("Messagerie : {}", app.mail());
            if demo_data {
                println!("\n{}\n", demo::banner(&base_url));
            }
            app.run_until_stopped().await?;
        }
        Command::CreateUser {
            role,
            email,
            display_name,
            database_url,
        } => {
            let request = CreateUserRequest {
                email,
                password: read_password()?,
                role: StaffRole::parse(&role),
                display_name,
            };
            let new_user = match request.validate() {
                Ok(valid) => valid,
                Err(errors) => {
                    let messages: Vec<String> = errors
                        .iter()
                        .map(|e| format!("{}: {}", e.field, e.message))
                        .collect();
                    bail!("{}", messages.join("\n"));
                }
            };
            let db = Db::connect(&database_url).await?;
            db.migrate().await?;
            let user = accounts::create_user_from_console(&db, new_user)
                .await
                .map_err(|e| match e {
                    jesaisfaire_api::error::ApiError::Validation(errors) => anyhow::anyhow!(
                        "{}",
                        errors
                            .iter()
                            .map(|e| e.message.clone())
                            .collect::<Vec<_>>()
                            .join("\n")
                    ),
                    other => anyhow::anyhow!("{other}"),
                })?;
            println!("Compte créé : {} ({})", user.email, user.role.as_str());
        }
        Command::Openapi => {
            println!("{}", openapi_spec()?.to_pretty_json()?);
        }
    }
    Ok(())
}
