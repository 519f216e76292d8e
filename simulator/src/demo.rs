//! `oneclick-demo`: starts the simulator in-process and runs the OneClick flow of every gateway
//! through its generated client, printing each step.

use std::time::Duration;

use oneclick_simulator::http::{Reply, Server};
use oneclick_simulator::{Config, Simulator};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let merchant = Server::start(|_| Reply::json("{}")).await;
    let mut config = Config::default();
    config.monetix.callback_url = Some(merchant.url("/monetix-callback"));
    let simulator = Simulator::start(config).await?;
    println!("simulator on {}\n", simulator.url(""));
    csob(&simulator).await?;
    monetix(&simulator, &merchant).await?;
    assist(&simulator).await?;
    xpay(&simulator).await?;
    println!("\nall four OneClick flows completed");
    Ok(())
}

async fn csob(simulator: &Simulator) -> Result<()> {
    use oneclick_gateways::csob::*;
    println!("ČSOB");
    simulator.seed_csob_template("0e92dd54b133@HA");
    let credentials = Credentials::new(
        "M1MIPS0000",
        RsaPrivateKey::from_pem(include_str!("../../vectors/merchant-test.key"))?,
        RsaPublicKey::from_pem(include_str!("../../vectors/gateway-test.pub"))?,
    );
    let client = Client::new(Environment::Custom(simulator.url("/csob")), credentials)?;
    let template = PayId::try_from("0e92dd54b133@HA")?;
    let echo = client
        .oneclick_echo(&OneclickEchoRequest::new(template.clone()))
        .await?;
    println!(
        "  oneclick/echo     template usable, resultCode {}",
        echo.result_code
    );
    let init = OneclickInitRequest::new(template, OrderNo::try_from("1001")?)
        .client_ip(ClientIp::try_from("192.0.2.2")?);
    let payment = client.oneclick_init(&init).await?;
    let pay_id = payment
        .pay_id
        .ok_or("the answer carries no payId")?
        .into_valid()?;
    println!("  oneclick/init     payment {} created", pay_id.as_str());
    client
        .oneclick_process(&OneclickProcessRequest::new(pay_id.clone()))
        .await?;
    println!("  oneclick/process  in progress");
    let options = PollOptions {
        first_delay: Duration::from_millis(100),
        interval: Duration::from_millis(100),
        deadline: Duration::from_secs(5),
    };
    let status = client
        .poll_payment_status(&PaymentStatusRequest::new(pay_id), options)
        .await?;
    let status = match status.payment_status {
        Some(PaymentStatus::Unknown(code)) => format!("status {code}, unknown to the spec"),
        Some(known) => words(&format!("{known:?}")),
        None => "not reported".to_owned(),
    };
    println!("  payment/status    {status}");
    Ok(())
}

async fn monetix(simulator: &Simulator, merchant: &Server) -> Result<()> {
    use oneclick_gateways::monetix::*;
    println!("Monetix");
    let client = Client::new(
        Environment::Custom(simulator.url("/monetix")),
        Credentials::new(42, "s3cr3t"),
    )?;
    let sale = CardSaleRequest::new(
        General::new(PaymentId::try_from("demo-1")?),
        Customer::new("customer_12".into(), IpAddress::try_from("10.0.0.1")?),
        Payment::new(Amount::try_from(400_000)?, Currency::try_from("USD")?),
        ReturnUrl::new(),
        PaymentInstrument::Token {
            token: Token::try_from("f365bb1729f9b72f")?,
            cvv: None,
        },
    );
    let ack = client.card_sale(&sale).await?;
    println!("  card sale         accepted ({})", ack.status);
    let sold = verified_callback(&client, merchant, 1).await?;
    println!("  callback          signature verified, {}", outcome(&sold));
    let refund = CardRefundRequest::new(
        General::new(PaymentId::try_from("demo-1")?),
        RefundPayment::new(Currency::try_from("USD")?, "Returned goods".into())
            .amount(Amount::try_from(100_000)?)
            .merchant_refund_id("demo-refund-1".into()),
    );
    let ack = client.card_refund(&refund).await?;
    println!("  card refund       accepted ({})", ack.status);
    let refunded = verified_callback(&client, merchant, 2).await?;
    println!(
        "  callback          signature verified, {}",
        outcome(&refunded)
    );
    Ok(())
}

/// Waits for the `count`-th callback the merchant received and verifies it.
async fn verified_callback(
    client: &oneclick_gateways::monetix::Client,
    merchant: &Server,
    count: usize,
) -> Result<oneclick_gateways::monetix::Callback> {
    for _ in 0..100 {
        if let Some(callback) = merchant.received().get(count - 1) {
            return Ok(client.verify_callback(&callback.body)?);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Err("no callback arrived".into())
}

/// "refund success, payment partially refunded": what a callback reports.
fn outcome(callback: &oneclick_gateways::monetix::Callback) -> String {
    let shown = |value: Option<String>| value.unwrap_or_else(|| "unknown".to_owned());
    let operation = callback.operation.as_ref();
    format!(
        "{} {}, payment {}",
        shown(
            operation
                .and_then(|o| o.operation_type.as_ref())
                .map(ToString::to_string)
        ),
        shown(
            operation
                .and_then(|o| o.status.as_ref())
                .map(ToString::to_string)
        ),
        shown(
            callback
                .payment
                .as_ref()
                .and_then(|p| p.status.as_ref())
                .map(ToString::to_string)
        ),
    )
}

async fn assist(simulator: &Simulator) -> Result<()> {
    use oneclick_gateways::assist::*;
    println!("IPS Assist");
    let token = "91720736-CF93-469C-63A0-E5859815D6BA";
    simulator.seed_assist_card("1234", serde_json::json!({"token": token, "post": "4128", "brand": "MasterCard", "expire": "12.2025"}));
    let client = Client::new(
        Environment::Custom(simulator.url("/assist")),
        Credentials::new("452739", "LOGIN", "PASSWORD"),
    )?;
    let customer = CustomerNumber::try_from("1234")?;
    let cards = client
        .list_cards(&ListCardsRequest::new(Merchant::new(), customer.clone()))
        .await?;
    let last_digits = cards
        .items
        .first()
        .and_then(|c| c.post.as_deref())
        .unwrap_or("unknown");
    println!(
        "  list cards        {} stored card(s), the first ending {last_digits}",
        cards.items.len()
    );
    let card = CardToken::try_from(token)?;
    let paid = client
        .token_pay(&TokenPayRequest::new(
            OrderNumber::try_from("1001")?,
            Amount::try_from("100.50")?,
            Currency::try_from("RUB")?,
            TokenType::StoredCard,
            PaymentToken::new(card.clone(), customer.clone()),
        ))
        .await?;
    let order_state = paid
        .other
        .get("orderstate")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("not reported");
    println!("  token payment     {order_state}");
    let removed = client
        .remove_card(&RemoveCardRequest::new(Merchant::new(), card, customer))
        .await?;
    println!("  remove card       {}", removed.message);
    Ok(())
}

async fn xpay(simulator: &Simulator) -> Result<()> {
    use oneclick_gateways::xpay::*;
    println!("Nexi XPay");
    // The notifications of this flow only: the Monetix callbacks went to the other merchant.
    let merchant = Server::start(|_| Reply::json("{}")).await;
    let client = Client::new(
        Environment::Custom(simulator.url("/xpay")),
        Credentials::new("xpay-test-api-key"),
    )?;
    let contract = ContractId::try_from("C-demo")?;
    let order = |id: &str, amount: &str| -> Result<Order> {
        Ok(Order::new(
            OrderId::try_from(id)?,
            Amount::try_from(amount)?,
            Currency::try_from("EUR")?,
        )
        .customer_id(CustomerId::try_from("mcid1")?))
    };
    let session = |recurrence| -> Result<PaymentSession> {
        Ok(PaymentSession::new(
            ActionType::Pay,
            SessionAmount::try_from("3545")?,
            ResultUrl::try_from("https://shop.example/r")?,
            CancelUrl::try_from("https://shop.example/c")?,
        )
        .notification_url(NotificationUrl::try_from(merchant.url("/notify"))?)
        .recurrence(recurrence))
    };
    let first = client
        .create_hpp_order(&CreateHppOrderRequest::new(
            order("demo-1", "3545")?,
            session(Recurrence::first_payment(contract.clone()))?,
        ))
        .await?;
    println!("  first payment     hosted page {}", first.hosted_page);
    simulator.pay_xpay_order("demo-1").await?;
    let authorization = verified_notification(&client, &merchant, &first.security_token).await?;
    println!(
        "  notification      token matches, operation {} {}",
        authorization.operation_id,
        authorization
            .operation_result
            .map_or_else(|| "without a result".to_owned(), |r| r.to_string())
    );
    let authorized = OperationId::try_from(authorization.operation_id.as_str())?;
    client
        .capture_operation(&CaptureOperationRequest::new(
            authorized.clone(),
            Amount::try_from("3545")?,
            Currency::try_from("EUR")?,
        ))
        .await?;
    client
        .refund_operation(&RefundOperationRequest::new(
            authorized,
            Amount::try_from("1000")?,
            Currency::try_from("EUR")?,
        ))
        .await?;
    let paid = client
        .get_order(&GetOrderRequest::new(OrderId::try_from("demo-1")?))
        .await?;
    println!(
        "  capture, refund   captured {} of {} authorised",
        paid.order_status.captured_amount.as_deref().unwrap_or("?"),
        paid.order_status
            .authorized_amount
            .as_deref()
            .unwrap_or("?")
    );
    let link = client
        .create_pay_by_link(&CreatePayByLinkRequest::new(
            order("demo-2", "3545")?,
            session(Recurrence::subsequent_payment(contract.clone()))?,
        ))
        .await?;
    println!("  next payment      pay-by-link {}", link.payment_link.link);
    let charged = client
        .create_mit_order(&CreateMitOrderRequest::new(
            order("demo-3", "990")?,
            contract.clone(),
        ))
        .await?;
    println!(
        "  merchant-initiated operation {}",
        charged.operation.operation_id
    );
    let contracts = client
        .list_customer_contracts(&ListCustomerContractsRequest::new(
            PathCustomerId::try_from("mcid1")?,
        ))
        .await?;
    println!("  contracts         {}", contracts.contracts.len());
    client
        .deactivate_contract(&DeactivateContractRequest::new(PathContractId::try_from(
            "C-demo",
        )?))
        .await?;
    let later = client
        .create_mit_order(&CreateMitOrderRequest::new(
            order("demo-4", "990")?,
            contract,
        ))
        .await;
    if later.is_ok() {
        return Err("the deactivated contract was charged".into());
    }
    println!("  deactivate        done; a later charge is refused");
    Ok(())
}

/// The first notification the merchant received, believed only with the order's token.
async fn verified_notification(
    client: &oneclick_gateways::xpay::Client,
    merchant: &Server,
    token: &str,
) -> Result<oneclick_gateways::xpay::Operation> {
    for _ in 0..100 {
        if let Some(notification) = merchant.received().first() {
            return Ok(client
                .verify_notification(&notification.body, token)?
                .operation);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Err("no notification arrived".into())
}

/// A variant name as words (`WaitingForSettlement` → `waiting for settlement`): ČSOB sends
/// statuses as numbers, so the generated enum's names are the only readable form.
fn words(variant: &str) -> String {
    let mut spoken = String::with_capacity(variant.len() + 4);
    for (i, letter) in variant.char_indices() {
        if letter.is_uppercase() && i > 0 {
            spoken.push(' ');
        }
        spoken.extend(letter.to_lowercase());
    }
    spoken
}

#[cfg(test)]
mod tests {
    use super::words;

    #[test]
    fn variant_names_read_as_words() {
        assert_eq!(words("Confirmed"), "confirmed");
        assert_eq!(words("WaitingForSettlement"), "waiting for settlement");
    }
}
