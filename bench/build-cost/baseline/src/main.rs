//! Posts a JSON body over HTTPS (ring as the TLS provider, the platform's roots, as the runtime
//! sets it up) and prints the JSON answer.

use std::sync::Arc;

use rustls_platform_verifier::BuilderVerifierExt as _;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args()
        .nth(1)
        .ok_or("usage: build-cost-baseline URL")?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let client = reqwest::Client::builder()
        .tls_backend_preconfigured(
            rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()?
                .with_platform_verifier()?
                .with_no_client_auth(),
        )
        .timeout(std::time::Duration::from_secs(30))
        .build()?;
    let answer: serde_json::Value = client
        .post(url)
        .json(&serde_json::json!({ "origPayId": "0e92dd54b133@HA" }))
        .send()
        .await?
        .json()
        .await?;
    println!("{answer}");
    Ok(())
}
