//! Checks a OneClick template through the generated ČSOB client and prints the answer.

use oneclick_csob::{
    Client, Credentials, Environment, OneclickEchoRequest, PayId, RsaPrivateKey, RsaPublicKey,
};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let [merchant_id, merchant_key, gateway_key, template] = std::env::args()
        .skip(1)
        .collect::<Vec<_>>()
        .try_into()
        .map_err(
            |_| "usage: build-cost-csob MERCHANT_ID MERCHANT_KEY.pem GATEWAY_KEY.pem PAY_ID",
        )?;
    let credentials = Credentials::new(
        merchant_id,
        RsaPrivateKey::from_pem(&std::fs::read_to_string(merchant_key)?)?,
        RsaPublicKey::from_pem(&std::fs::read_to_string(gateway_key)?)?,
    );
    let client = Client::new(Environment::Sandbox, credentials)?;
    let answer = client
        .oneclick_echo(&OneclickEchoRequest::new(PayId::try_from(template)?))
        .await?;
    println!("{answer:?}");
    Ok(())
}
