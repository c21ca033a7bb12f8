#include "bot/whatsapp/wire/inbound.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace delvex::whatsapp::wire {
namespace {

using core::DeliveryStatus;
using core::InteractiveType;
using core::MessageType;

constexpr const char* kPhoneNumberId = "106540352242922";
constexpr const char* kAlice = "16505551234";
constexpr const char* kAliceBsuid = "US.13491208655302741918";
constexpr const char* kBusiness = "15550783881";

std::filesystem::path fixture_dir() {
    return std::filesystem::path(DELVEX_SOURCE_DIR) / "tests" / "fixtures" / "webhooks";
}

std::string read_fixture(const std::string& name) {
    std::ifstream in(fixture_dir() / name, std::ios::binary);
    if (!in) {
        throw std::runtime_error("missing fixture " + name);
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

Envelope split_fixture(const std::string& name) { return split_envelope(read_fixture(name)); }

ParsedUpdate parse(const RawUpdate& update) {
    auto parsed = parse_update(update.kind, update.json);
    if (!parsed) {
        throw std::runtime_error("parse_update refused " + update.json);
    }
    return *parsed;
}

/// The one clean update a fixture holds; throws (failing the test) when the fixture holds anything else.
RawUpdate only_update(const std::string& name) {
    Envelope envelope = split_fixture(name);
    if (envelope.outcome != EnvelopeOutcome::kOk || envelope.updates.size() != 1 || !envelope.unknown.empty() ||
        envelope.repeats_in_body != 0) {
        throw std::runtime_error(name + ": expected exactly one clean update, error=" + envelope.error);
    }
    return envelope.updates.front();
}

core::InboundMessage only_message(const std::string& name) {
    const RawUpdate update = only_update(name);
    if (update.kind != UpdateKind::kMessage) {
        throw std::runtime_error(name + ": not a message");
    }
    ParsedUpdate parsed = parse(update);
    if (!parsed.message || parsed.field != "messages" || parsed.phone_number_id != kPhoneNumberId ||
        update.dedupe_key != "m:" + parsed.message->id || update.phone_number_id != kPhoneNumberId ||
        update.member_key != parsed.message->sender.key() || update.timestamp != parsed.message->timestamp) {
        throw std::runtime_error(name + ": message envelope fields disagree");
    }
    return *parsed.message;
}

core::StatusUpdate only_status(const std::string& name) {
    const RawUpdate update = only_update(name);
    if (update.kind != UpdateKind::kStatus) {
        throw std::runtime_error(name + ": not a status");
    }
    ParsedUpdate parsed = parse(update);
    if (!parsed.status || parsed.phone_number_id != kPhoneNumberId ||
        update.dedupe_key != "s:" + parsed.status->id + ":" + parsed.status->status_name ||
        update.member_key != parsed.status->recipient_id || update.timestamp != parsed.status->timestamp) {
        throw std::runtime_error(name + ": status envelope fields disagree");
    }
    return *parsed.status;
}

bool is_sha256_hex(std::string_view text) {
    return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

void expect_alice(const core::InboundMessage& msg) {
    EXPECT_EQ(msg.sender.wa_id, kAlice);
    EXPECT_EQ(msg.sender.user_id, kAliceBsuid);
    EXPECT_EQ(msg.sender.profile_name, "Amina Wanjiru");
    EXPECT_EQ(msg.timestamp, 1767225600);
}

// --- one test per message fixture ---

TEST(WireInbound, ParsesTextMessageWithSenderAndContact) {
    const auto msg = only_message("text.json");
    EXPECT_EQ(msg.id, "wamid.HBgLFQIAEhgUMTY1MDU1NTEyMzRGQUtFMDAwMDAx");
    EXPECT_EQ(msg.type, MessageType::kText);
    EXPECT_EQ(msg.type_name, "text");
    EXPECT_EQ(msg.text, "Gold price at Geita today?");
    EXPECT_FALSE(msg.context.has_value());
    EXPECT_TRUE(msg.group_id.empty());
    EXPECT_TRUE(msg.errors.empty());
    expect_alice(msg);
}

TEST(WireInbound, ReadsReplyContextWhenTextQuotesOurMessage) {
    const auto msg = only_message("text_reply.json");
    EXPECT_EQ(msg.text, "Yes, I will come");
    ASSERT_TRUE(msg.context.has_value());
    EXPECT_EQ(msg.context->from, kBusiness);
    EXPECT_EQ(msg.context->id, "wamid.HBgLFQIAEhgUMTU1NTA3ODM4ODFGQUtFMDAwOTAw");
    EXPECT_FALSE(msg.context->forwarded);
    EXPECT_FALSE(msg.context->frequently_forwarded);
}

TEST(WireInbound, ReadsForwardFlagsWhenTextWasForwarded) {
    const auto msg = only_message("text_forwarded.json");
    ASSERT_TRUE(msg.context.has_value());
    EXPECT_TRUE(msg.context->forwarded);
    EXPECT_TRUE(msg.context->frequently_forwarded);
    EXPECT_TRUE(msg.context->id.empty());
}

TEST(WireInbound, ReadsReferralSourceWhenTextCameFromAnAd) {
    const auto msg = only_message("text_referral.json");
    EXPECT_EQ(msg.type, MessageType::kText);
    EXPECT_EQ(msg.referral_source_url, "https://fb.me/2ZulEu42P");
    EXPECT_EQ(msg.text, "I saw your ad about the cooperative");
}

TEST(WireInbound, ParsesImageWithCaptionAndUrl) {
    const auto msg = only_message("image.json");
    EXPECT_EQ(msg.type, MessageType::kImage);
    ASSERT_TRUE(msg.media.has_value());
    EXPECT_EQ(msg.media->id, "1003383421387256");
    EXPECT_EQ(msg.media->mime_type, "image/jpeg");
    EXPECT_EQ(msg.media->sha256, "YlG5m7x1yIu3eYdTSVTnYTShSvAn6N3z8FMpmK1wq0I=");
    EXPECT_EQ(msg.media->caption, "Our new wash plant");
    EXPECT_NE(msg.media->url.find("lookaside.fbsbx.com"), std::string::npos);
    EXPECT_FALSE(msg.media->voice);
}

TEST(WireInbound, ParsesVideo) {
    const auto msg = only_message("video.json");
    EXPECT_EQ(msg.type, MessageType::kVideo);
    ASSERT_TRUE(msg.media.has_value());
    EXPECT_EQ(msg.media->id, "1184029330062941");
    EXPECT_EQ(msg.media->mime_type, "video/mp4");
    EXPECT_EQ(msg.media->caption, "Sluice box test run");
    EXPECT_TRUE(msg.media->url.empty());
}

TEST(WireInbound, ParsesDocumentWithFilename) {
    const auto msg = only_message("document.json");
    EXPECT_EQ(msg.type, MessageType::kDocument);
    ASSERT_TRUE(msg.media.has_value());
    EXPECT_EQ(msg.media->filename, "PML_application.pdf");
    EXPECT_EQ(msg.media->mime_type, "application/pdf");
    EXPECT_EQ(msg.media->caption, "Licence form");
}

TEST(WireInbound, ParsesAudioAsNotVoiceWhenVoiceIsFalse) {
    const auto msg = only_message("audio.json");
    EXPECT_EQ(msg.type, MessageType::kAudio);
    ASSERT_TRUE(msg.media.has_value());
    EXPECT_EQ(msg.media->id, "1427163541521077");
    EXPECT_FALSE(msg.media->voice);
}

TEST(WireInbound, MarksVoiceNoteWhenAudioHasVoiceTrue) {
    const auto msg = only_message("audio_voice.json");
    EXPECT_EQ(msg.type, MessageType::kAudio);
    ASSERT_TRUE(msg.media.has_value());
    EXPECT_TRUE(msg.media->voice);
    EXPECT_EQ(msg.media->mime_type, "audio/ogg; codecs=opus");
}

TEST(WireInbound, TreatsLegacyVoiceTypeAsVoiceNote) {
    const auto msg = only_message("legacy_voice.json");
    EXPECT_EQ(msg.type, MessageType::kAudio);
    EXPECT_EQ(msg.type_name, "voice");
    ASSERT_TRUE(msg.media.has_value());
    EXPECT_TRUE(msg.media->voice);
    EXPECT_EQ(msg.media->id, "1111222233334444");
    EXPECT_EQ(msg.sender.wa_id, kAlice);
    EXPECT_TRUE(msg.sender.user_id.empty());
}

TEST(WireInbound, ParsesAnimatedSticker) {
    const auto msg = only_message("sticker.json");
    EXPECT_EQ(msg.type, MessageType::kSticker);
    ASSERT_TRUE(msg.media.has_value());
    EXPECT_TRUE(msg.media->animated);
    EXPECT_EQ(msg.media->mime_type, "image/webp");
}

TEST(WireInbound, ParsesLocation) {
    const auto msg = only_message("location.json");
    EXPECT_EQ(msg.type, MessageType::kLocation);
    ASSERT_TRUE(msg.location.has_value());
    EXPECT_DOUBLE_EQ(msg.location->latitude, -2.8734);
    EXPECT_DOUBLE_EQ(msg.location->longitude, 32.2313);
    EXPECT_EQ(msg.location->name, "Nyarugusu pit 4");
    EXPECT_EQ(msg.location->address, "Geita Region, Tanzania");
    EXPECT_EQ(msg.location->url, "https://maps.example.com/nyarugusu");
}

TEST(WireInbound, ParsesSharedContactsWithPhonesAndWaIds) {
    const auto msg = only_message("contacts.json");
    EXPECT_EQ(msg.type, MessageType::kContacts);
    ASSERT_EQ(msg.contacts.size(), 2u);
    EXPECT_EQ(msg.contacts[0].formatted_name, "Joseph Mwita");
    EXPECT_EQ(msg.contacts[0].phones, (std::vector<std::string>{"+1 650-555-0105", "+1 650-555-0106"}));
    EXPECT_EQ(msg.contacts[0].wa_ids, (std::vector<std::string>{"16505550105"}));
    EXPECT_EQ(msg.contacts[1].formatted_name, "Buyer Desk");
    EXPECT_EQ(msg.contacts[1].wa_ids, (std::vector<std::string>{"254700000107"}));
    // The sender still comes from value.contacts, not from the shared cards.
    expect_alice(msg);
}

TEST(WireInbound, ParsesButtonReplyWithContext) {
    const auto msg = only_message("interactive_button_reply.json");
    EXPECT_EQ(msg.type, MessageType::kInteractive);
    EXPECT_EQ(msg.interactive, InteractiveType::kButtonReply);
    EXPECT_EQ(msg.reply_id, "rsvp:forum-2027-01:yes");
    EXPECT_EQ(msg.text, "I'll attend");
    ASSERT_TRUE(msg.context.has_value());
    EXPECT_EQ(msg.context->id, "wamid.HBgLFQIAEhgUMTU1NTA3ODM4ODFGQUtFMDAwOTAx");
}

TEST(WireInbound, ParsesListReplyWithDescription) {
    const auto msg = only_message("interactive_list_reply.json");
    EXPECT_EQ(msg.interactive, InteractiveType::kListReply);
    EXPECT_EQ(msg.reply_id, "room:geita");
    EXPECT_EQ(msg.text, "Geita");
    EXPECT_EQ(msg.reply_description, "Lake Zone miners");
}

TEST(WireInbound, KeepsFlowResponseJsonVerbatimWhenNfmReply) {
    const auto msg = only_message("interactive_nfm_reply.json");
    EXPECT_EQ(msg.interactive, InteractiveType::kNfmReply);
    EXPECT_EQ(msg.flow_response_json, R"({"flow_token":"FAKE-FLOW-TOKEN","region":"geita"})");
    EXPECT_EQ(msg.text, "Sent");
}

TEST(WireInbound, PutsCallPermissionAnswerInReplyId) {
    const auto msg = only_message("interactive_call_permission_reply.json");
    EXPECT_EQ(msg.interactive, InteractiveType::kCallPermissionReply);
    EXPECT_EQ(msg.reply_id, "accept");
}

TEST(WireInbound, ParsesTemplateQuickReplyButton) {
    const auto msg = only_message("button.json");
    EXPECT_EQ(msg.type, MessageType::kButton);
    EXPECT_EQ(msg.interactive, InteractiveType::kNone);
    EXPECT_EQ(msg.reply_id, "SUBSCRIBE_GOLD");
    EXPECT_EQ(msg.text, "Subscribe");
    ASSERT_TRUE(msg.context.has_value());
    EXPECT_EQ(msg.context->id, "wamid.HBgLFQIAEhgUMTU1NTA3ODM4ODFGQUtFMDAwOTA1");
}

TEST(WireInbound, ParsesQuickReplyButtonWhenContextIsMissing) {
    const auto msg = only_message("button_without_context.json");
    EXPECT_EQ(msg.type, MessageType::kButton);
    EXPECT_EQ(msg.reply_id, "STOP");
    EXPECT_FALSE(msg.context.has_value());
}

TEST(WireInbound, ParsesReaction) {
    const auto msg = only_message("reaction.json");
    EXPECT_EQ(msg.type, MessageType::kReaction);
    EXPECT_EQ(msg.reaction_message_id, "wamid.HBgLFQIAEhgUMTU1NTA3ODM4ODFGQUtFMDAwOTA2");
    EXPECT_EQ(msg.reaction_emoji, "\xF0\x9F\x91\x8D");
}

TEST(WireInbound, ReadsEmptyEmojiWhenReactionRemoved) {
    const auto msg = only_message("reaction_removed.json");
    EXPECT_EQ(msg.type, MessageType::kReaction);
    EXPECT_EQ(msg.reaction_message_id, "wamid.HBgLFQIAEhgUMTU1NTA3ODM4ODFGQUtFMDAwOTA2");
    EXPECT_TRUE(msg.reaction_emoji.empty());
}

TEST(WireInbound, ParsesOrderItemsIncludingStringQuantity) {
    const auto msg = only_message("order.json");
    EXPECT_EQ(msg.type, MessageType::kOrder);
    EXPECT_EQ(msg.order_catalog_id, "2143658709876543");
    EXPECT_EQ(msg.text, "For the Geita co-op");
    ASSERT_EQ(msg.order_items.size(), 2u);
    EXPECT_EQ(msg.order_items[0].product_retailer_id, "retort-001");
    EXPECT_EQ(msg.order_items[0].quantity, 2);
    EXPECT_DOUBLE_EQ(msg.order_items[0].item_price, 45.5);
    EXPECT_EQ(msg.order_items[0].currency, "USD");
    EXPECT_EQ(msg.order_items[1].quantity, 3);
    EXPECT_DOUBLE_EQ(msg.order_items[1].item_price, 12.0);
}

TEST(WireInbound, ParsesUserChangedNumberWithoutContacts) {
    const auto msg = only_message("system_user_changed_number.json");
    EXPECT_EQ(msg.type, MessageType::kSystem);
    EXPECT_EQ(msg.system_type, "user_changed_number");
    EXPECT_EQ(msg.new_wa_id, "16505550199");
    EXPECT_EQ(msg.text, "User A changed from 16505551234 to 16505550199");
    EXPECT_EQ(msg.sender.wa_id, kAlice);
    EXPECT_TRUE(msg.sender.profile_name.empty());
}

TEST(WireInbound, ParsesCustomerIdentityChanged) {
    const auto msg = only_message("system_customer_identity_changed.json");
    EXPECT_EQ(msg.type, MessageType::kSystem);
    EXPECT_EQ(msg.system_type, "customer_identity_changed");
    EXPECT_EQ(msg.text, "Amina's security code changed.");
    EXPECT_TRUE(msg.new_wa_id.empty());
}

TEST(WireInbound, ParsesUnsupportedMessageWithError131051) {
    const auto msg = only_message("unsupported_131051.json");
    EXPECT_EQ(msg.type, MessageType::kUnsupported);
    EXPECT_EQ(msg.unsupported_type, "poll_creation");
    ASSERT_EQ(msg.errors.size(), 1u);
    EXPECT_EQ(msg.errors[0].code, 131051);
    EXPECT_EQ(msg.errors[0].title, "Message type unknown");
    EXPECT_EQ(msg.errors[0].details, "Message type is currently not supported.");
}

TEST(WireInbound, ReadsFlatErrorShapeWhenLegacyUnknownType) {
    const auto msg = only_message("unsupported_flat_error.json");
    EXPECT_EQ(msg.type, MessageType::kUnknown);
    EXPECT_EQ(msg.type_name, "unknown");
    ASSERT_EQ(msg.errors.size(), 1u);
    EXPECT_EQ(msg.errors[0].code, 131051);
    EXPECT_EQ(msg.errors[0].title, "Unsupported message type");
    EXPECT_EQ(msg.errors[0].details, "Message type is not currently supported");
    EXPECT_EQ(msg.sender.profile_name, "Amina Wanjiru");
}

TEST(WireInbound, ReadsNewTextAndOriginalIdWhenEdit) {
    const auto msg = only_message("edit.json");
    EXPECT_EQ(msg.type, MessageType::kEdit);
    EXPECT_EQ(msg.original_message_id, "wamid.HBgLFQIAEhgUMTY1MDU1NTEyMzRGQUtFMDAwMDAx");
    EXPECT_EQ(msg.text, "Gold price at Geita today? (per gram)");
}

TEST(WireInbound, ReadsOriginalIdWhenRevoke) {
    const auto msg = only_message("revoke.json");
    EXPECT_EQ(msg.type, MessageType::kRevoke);
    EXPECT_EQ(msg.original_message_id, "wamid.HBgLFQIAEhgUMTY1MDU1NTEyMzRGQUtFMDAwMDAy");
}

TEST(WireInbound, ParsesRequestWelcome) {
    const auto msg = only_message("request_welcome.json");
    EXPECT_EQ(msg.type, MessageType::kRequestWelcome);
    EXPECT_EQ(msg.type_name, "request_welcome");
    expect_alice(msg);
}

TEST(WireInbound, KeepsTypeNameWhenTypeIsFromTheFuture) {
    const RawUpdate update = only_update("unknown_future_type.json");
    const auto msg = only_message("unknown_future_type.json");
    EXPECT_EQ(msg.type, MessageType::kUnknown);
    EXPECT_EQ(msg.type_name, "poll_vote");
    EXPECT_EQ(msg.interactive, InteractiveType::kNone);
    // Nothing Meta sent is lost: the raw copy still holds the unknown content object.
    const auto stored = nlohmann::json::parse(update.json);
    EXPECT_EQ(stored["message"]["poll_vote"]["selected"][0], "Saturday");
}

TEST(WireInbound, ReadsGroupId) {
    const auto msg = only_message("group_message.json");
    EXPECT_EQ(msg.group_id, "120363025246125888@g.us.FAKE");
    EXPECT_EQ(msg.sender.wa_id, kAlice);
}

TEST(WireInbound, KeysMemberByBsuidWhenSenderHasNoPhone) {
    const RawUpdate update = only_update("bsuid_only_sender.json");
    EXPECT_EQ(update.member_key, "KE.88120456733019284711");
    const auto msg = only_message("bsuid_only_sender.json");
    EXPECT_TRUE(msg.sender.wa_id.empty());
    EXPECT_EQ(msg.sender.user_id, "KE.88120456733019284711");
    EXPECT_EQ(msg.sender.parent_user_id, "KE.ENT.55501928374650192837");
    EXPECT_EQ(msg.sender.username, "@neema_gold");
    EXPECT_EQ(msg.sender.profile_name, "Neema");
    EXPECT_EQ(msg.sender.key(), "KE.88120456733019284711");
    EXPECT_EQ(msg.text, "Habari, I use a username");
}

// --- statuses ---

TEST(WireInbound, ParsesSentStatusWithPricingAndCallbackData) {
    const auto status = only_status("status_sent.json");
    EXPECT_EQ(status.id, "wamid.HBgLFQIAEhgUMTU1NTA3ODM4ODFGQUtFMDAwMTAw");
    EXPECT_EQ(status.status, DeliveryStatus::kSent);
    EXPECT_EQ(status.status_name, "sent");
    EXPECT_EQ(status.timestamp, 1767225660);
    EXPECT_EQ(status.recipient_id, "16505550102");
    EXPECT_EQ(status.recipient_user_id, "US.44410293847561029384");
    EXPECT_EQ(status.biz_opaque_callback_data, "outbox:4711");
    EXPECT_EQ(status.pricing_category, "utility");
    EXPECT_EQ(status.pricing_type, "regular");
    EXPECT_TRUE(status.billable);
    EXPECT_TRUE(status.errors.empty());
}

TEST(WireInbound, ParsesDeliveredStatusWithFreePricing) {
    const auto status = only_status("status_delivered.json");
    EXPECT_EQ(status.status, DeliveryStatus::kDelivered);
    EXPECT_EQ(status.pricing_type, "free_customer_service");
    EXPECT_EQ(status.pricing_category, "service");
    EXPECT_FALSE(status.billable);
}

TEST(WireInbound, ParsesReadStatusWithoutPricing) {
    const auto status = only_status("status_read.json");
    EXPECT_EQ(status.status, DeliveryStatus::kRead);
    EXPECT_TRUE(status.pricing_category.empty());
    EXPECT_TRUE(status.recipient_user_id.empty());
}

TEST(WireInbound, ParsesFailedStatusErrors) {
    const auto status = only_status("status_failed.json");
    EXPECT_EQ(status.status, DeliveryStatus::kFailed);
    EXPECT_EQ(status.biz_opaque_callback_data, "outbox:4712");
    ASSERT_EQ(status.errors.size(), 1u);
    EXPECT_EQ(status.errors[0].code, 131049);
    EXPECT_EQ(status.errors[0].details,
              "In order to maintain a healthy ecosystem engagement, the message failed to be delivered.");
    EXPECT_EQ(status.errors[0].href, "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/");
}

TEST(WireInbound, ParsesPlayedStatus) {
    EXPECT_EQ(only_status("status_played.json").status, DeliveryStatus::kPlayed);
}

TEST(WireInbound, ParsesDeletedStatus) {
    const auto status = only_status("status_deleted.json");
    EXPECT_EQ(status.status, DeliveryStatus::kDeleted);
    EXPECT_EQ(status.status_name, "deleted");
}

TEST(WireInbound, KeepsStatusNameWhenStatusIsFromTheFuture) {
    const auto status = only_status("status_unknown_future.json");
    EXPECT_EQ(status.status, DeliveryStatus::kUnknown);
    EXPECT_EQ(status.status_name, "paced");
}

TEST(WireInbound, KeepsEveryParticipantWhenGroupStatusesAreAggregated) {
    const Envelope envelope = split_fixture("status_group_aggregated.json");
    ASSERT_EQ(envelope.outcome, EnvelopeOutcome::kOk);
    ASSERT_EQ(envelope.updates.size(), 2u);
    EXPECT_EQ(envelope.repeats_in_body, 0u);
    const std::string base = "s:wamid.HBgLFQIAEhgUMTU1NTA3ODM4ODFGQUtFMDAwMTA3:read";
    EXPECT_EQ(envelope.updates[0].dedupe_key, base + ":16505551234");
    EXPECT_EQ(envelope.updates[1].dedupe_key, base + ":16505550102");
    EXPECT_EQ(envelope.updates[0].member_key, "120363025246125888@g.us.FAKE");
}

// --- value.errors and other fields ---

TEST(WireInbound, SplitsValueErrorsIntoErrorUpdates) {
    const RawUpdate update = only_update("errors_system.json");
    EXPECT_EQ(update.kind, UpdateKind::kError);
    EXPECT_EQ(update.dedupe_key, "e:7699096ca4af53ca4036487320fabe86531c5d57350c2d74ebd745d89df3f798");
    EXPECT_TRUE(update.member_key.empty());
    EXPECT_EQ(update.phone_number_id, kPhoneNumberId);
    const ParsedUpdate parsed = parse(update);
    ASSERT_TRUE(parsed.error.has_value());
    EXPECT_EQ(parsed.error->code, 131000);
    EXPECT_EQ(parsed.error->title, "Something went wrong");
    EXPECT_EQ(parsed.error->details, "Unknown error. Please retry later.");
    EXPECT_EQ(parsed.phone_number_id, kPhoneNumberId);
}

TEST(WireInbound, SplitsAccountUpdateAsChangeKeyedBySha256OfValue) {
    const RawUpdate update = only_update("account_update.json");
    EXPECT_EQ(update.kind, UpdateKind::kChange);
    EXPECT_EQ(update.dedupe_key,
              "c:account_update:2065699dc4d1161c22ef864d99e4a9588e5ca3e8417fd46448200a4f0fe2fab0");
    EXPECT_EQ(update.timestamp, 1767225600);
    EXPECT_TRUE(update.phone_number_id.empty());
    const ParsedUpdate parsed = parse(update);
    EXPECT_EQ(parsed.field, "account_update");
    EXPECT_EQ(parsed.event, "ACCOUNT_RESTRICTION");
    EXPECT_FALSE(parsed.message.has_value());
    const auto stored = nlohmann::json::parse(update.json);
    EXPECT_EQ(stored["entry_id"], "102290129340398");
    EXPECT_EQ(stored["value"]["restriction_info"][0]["restriction_type"], "RESTRICTED_BIZ_INITIATED_MESSAGING");
}

TEST(WireInbound, SplitsTemplateStatusUpdate) {
    const RawUpdate update = only_update("message_template_status_update.json");
    EXPECT_EQ(update.kind, UpdateKind::kChange);
    EXPECT_EQ(update.dedupe_key, "c:message_template_status_update:"
                                 "59be24232ad46f1a2e21e08aa36c479dd87b2a0da40c1ae64d3ee3ab7107c534");
    EXPECT_EQ(update.timestamp, 1767225700);
    const ParsedUpdate parsed = parse(update);
    EXPECT_EQ(parsed.field, "message_template_status_update");
    EXPECT_EQ(parsed.event, "APPROVED");
}

TEST(WireInbound, SplitsUserPreferencesWithMetadata) {
    const RawUpdate update = only_update("user_preferences.json");
    EXPECT_EQ(update.kind, UpdateKind::kChange);
    EXPECT_EQ(update.dedupe_key,
              "c:user_preferences:439f3c9d1c0dad693479855d961ca72ee9e4a7496e50d3565c2fe2500b972b27");
    EXPECT_EQ(update.phone_number_id, kPhoneNumberId);
    EXPECT_EQ(update.timestamp, 0);  // no entry.time and no value.timestamp: the time is per preference item
    const ParsedUpdate parsed = parse(update);
    EXPECT_EQ(parsed.field, "user_preferences");
    EXPECT_EQ(parsed.phone_number_id, kPhoneNumberId);
    EXPECT_TRUE(parsed.event.empty());
    const auto stored = nlohmann::json::parse(update.json);
    EXPECT_EQ(stored["value"]["user_preferences"][0]["value"], "stop");
}

// --- batches, repeats, oddities ---

TEST(WireInbound, MatchesContactByUserIdWhenSenderHasNoPhone) {
    const Envelope envelope = split_envelope(R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[
        {"field":"messages","value":{"metadata":{"phone_number_id":"106540352242922"},
         "contacts":[{"profile":{"name":"Other"},"wa_id":"16505550102","user_id":"US.1"},
                     {"profile":{"name":"Neema","username":"@neema"},"user_id":"KE.2"}],
         "messages":[{"from_user_id":"KE.2","id":"wamid.A","timestamp":"1767225600","type":"text","text":{"body":"hi"}},
                     {"from":"16505550199","id":"wamid.B","timestamp":"1767225600","type":"text","text":{"body":"?"}}]}}]}]})");
    ASSERT_EQ(envelope.outcome, EnvelopeOutcome::kOk);
    ASSERT_EQ(envelope.updates.size(), 2u);
    EXPECT_EQ(envelope.updates[0].member_key, "KE.2");
    const auto neema = parse(envelope.updates[0]).message;
    EXPECT_EQ(neema->sender.profile_name, "Neema");
    EXPECT_EQ(neema->sender.username, "@neema");
    EXPECT_EQ(neema->sender.key(), "KE.2");
    // Two contacts and none of them is the sender: no guess.
    const auto stranger = parse(envelope.updates[1]).message;
    EXPECT_EQ(stranger->sender.wa_id, "16505550199");
    EXPECT_TRUE(stranger->sender.profile_name.empty());
    EXPECT_FALSE(nlohmann::json::parse(envelope.updates[1].json).contains("contact"));
}

TEST(WireInbound, KeysSystemErrorsByErrorAndNumber) {
    const std::string body_a = read_fixture("errors_system.json");
    std::string body_b = body_a;
    body_b.replace(body_b.find("106540352242922"), 15, "106540352242923");
    const Envelope a = split_envelope(body_a);
    const Envelope b = split_envelope(body_b);
    ASSERT_EQ(a.updates.size(), 1u);
    ASSERT_EQ(b.updates.size(), 1u);
    EXPECT_NE(a.updates[0].dedupe_key, b.updates[0].dedupe_key);
    EXPECT_EQ(b.updates[0].phone_number_id, "106540352242923");
}


TEST(WireInbound, SplitsEveryUpdateInBodyOrderWhenBatched) {
    const Envelope envelope = split_fixture("batch.json");
    ASSERT_EQ(envelope.outcome, EnvelopeOutcome::kOk);
    EXPECT_TRUE(envelope.unknown.empty());
    EXPECT_EQ(envelope.repeats_in_body, 0u);
    ASSERT_EQ(envelope.updates.size(), 7u);
    const UpdateKind expected_kinds[] = {UpdateKind::kMessage, UpdateKind::kMessage, UpdateKind::kStatus,
                                         UpdateKind::kStatus,  UpdateKind::kStatus,  UpdateKind::kMessage,
                                         UpdateKind::kChange};
    for (std::size_t i = 0; i < envelope.updates.size(); ++i) {
        EXPECT_EQ(envelope.updates[i].kind, expected_kinds[i]) << i;
        EXPECT_TRUE(parse_update(envelope.updates[i].kind, envelope.updates[i].json).has_value()) << i;
    }
    EXPECT_EQ(envelope.updates[0].member_key, kAlice);
    EXPECT_EQ(envelope.updates[1].member_key, "16505550102");
    // The second message's sender is matched to the second contact, not to the first.
    const auto bob = parse(envelope.updates[1]).message;
    ASSERT_TRUE(bob.has_value());
    EXPECT_EQ(bob->sender.profile_name, "Baraka Otieno");
    EXPECT_EQ(bob->text, "second");
    // Same wamid, different status: two events.
    EXPECT_EQ(envelope.updates[2].dedupe_key, "s:wamid.HBgLFQIAEhgUMTU1NTA3ODM4ODFGQUtFMDAwMTEw:sent");
    EXPECT_EQ(envelope.updates[3].dedupe_key, "s:wamid.HBgLFQIAEhgUMTU1NTA3ODM4ODFGQUtFMDAwMTEw:delivered");
    EXPECT_EQ(envelope.updates[4].member_key, kAlice);
    // The second entry is another number of another WABA.
    EXPECT_EQ(envelope.updates[5].phone_number_id, "106540352242923");
    EXPECT_EQ(envelope.updates[5].member_key, "254700000103");
    const auto carol = parse(envelope.updates[5]).message;
    ASSERT_TRUE(carol.has_value());
    EXPECT_EQ(carol->sender.profile_name, "Rehema");
    EXPECT_EQ(carol->type, MessageType::kImage);
    EXPECT_EQ(parse(envelope.updates[6]).event, "VOLUME_BASED_PRICING_TIER_UPDATE");
}

TEST(WireInbound, DropsAndCountsRepeatWhenSameMessageTwiceInBody) {
    const Envelope envelope = split_fixture("duplicate_in_body.json");
    ASSERT_EQ(envelope.outcome, EnvelopeOutcome::kOk);
    EXPECT_EQ(envelope.repeats_in_body, 1u);
    ASSERT_EQ(envelope.updates.size(), 2u);
    EXPECT_EQ(envelope.updates[0].dedupe_key, "m:wamid.HBgLFQIAEhgUMTY1MDU1NTEyMzRGQUtFMDAwMDUw");
    EXPECT_EQ(envelope.updates[1].dedupe_key, "m:wamid.HBgLFQIAEhgUMTY1MDU1NTEyMzRGQUtFMDAwMDUx");
    EXPECT_TRUE(envelope.unknown.empty());
}

TEST(WireInbound, GivesSameKeysWhenMetaRetriesTheSameBody) {
    for (const char* name : {"batch.json", "errors_system.json", "account_update.json", "status_failed.json"}) {
        const Envelope first = split_fixture(name);
        const Envelope retry = split_fixture(name);
        ASSERT_EQ(first.updates.size(), retry.updates.size()) << name;
        for (std::size_t i = 0; i < first.updates.size(); ++i) {
            EXPECT_EQ(first.updates[i].dedupe_key, retry.updates[i].dedupe_key) << name;
            EXPECT_EQ(first.updates[i].json, retry.updates[i].json) << name;
        }
    }
}

TEST(WireInbound, ConvertsMillisecondsToSecondsWhenTimestampIsLarge) {
    const Envelope envelope = split_fixture("ms_timestamps.json");
    ASSERT_EQ(envelope.updates.size(), 3u);
    EXPECT_EQ(envelope.updates[0].timestamp, 1767225600);
    EXPECT_EQ(envelope.updates[1].timestamp, 1767225601);
    EXPECT_EQ(envelope.updates[2].timestamp, 1767225602);
    EXPECT_EQ(parse(envelope.updates[0]).message->timestamp, 1767225600);
    EXPECT_EQ(parse(envelope.updates[2]).message->timestamp, 1767225602);
}

TEST(WireInbound, KeepsUnknownFieldsInRawCopyWhenMetaAddsProperties) {
    const RawUpdate update = only_update("unknown_extra_fields.json");
    const auto stored = nlohmann::json::parse(update.json);
    EXPECT_EQ(stored["field"], "messages");
    EXPECT_EQ(stored["entry_id"], "102290129340398");
    EXPECT_EQ(stored["time"], 1767225600);
    EXPECT_EQ(stored["metadata"]["x_meta_future"], "meta");
    EXPECT_EQ(stored["contact"]["identity_key_hash"], "FAKEKEYHASH");
    EXPECT_EQ(stored["contact"]["profile"]["x_profile_future"], "p");
    EXPECT_EQ(stored["message"]["x_message_future"], "m");
    EXPECT_EQ(stored["message"]["text"]["x_text_future"], 1);
    EXPECT_EQ(stored["message"]["context"]["referred_product"]["product_retailer_id"], "r1");
    // Compact: no pretty-printing whitespace from the fixture survives.
    EXPECT_EQ(update.json.find('\n'), std::string::npos);
    const auto msg = only_message("unknown_extra_fields.json");
    EXPECT_EQ(msg.text, "hello with extras");
    EXPECT_EQ(msg.sender.username, "@amina");
    EXPECT_EQ(msg.sender.parent_user_id, "US.ENT.11122233344455566677");
    ASSERT_TRUE(msg.context.has_value());
    EXPECT_EQ(msg.context->from, kBusiness);
}

TEST(WireInbound, SkipsBrokenPartsAndKeepsGoodOnesWhenBodyIsPartlyBroken) {
    const Envelope envelope = split_fixture("partially_bad.json");
    ASSERT_EQ(envelope.outcome, EnvelopeOutcome::kOk);
    ASSERT_EQ(envelope.updates.size(), 1u);
    EXPECT_EQ(envelope.updates[0].dedupe_key, "m:wamid.HBgLFQIAEhgUMTY1MDU1NTEyMzRGQUtFMDAwMDcw");
    // A bad entry, two id-less messages, a status without status, a value-less change, a non-object value,
    // a field-less change and an empty messages change.
    ASSERT_EQ(envelope.unknown.size(), 8u);
    EXPECT_EQ(envelope.unknown[0], "entry[0]: not an object with a changes array");
    EXPECT_EQ(envelope.unknown[1], "entry[1].changes[0]: value.messages[0] has no string id");
    EXPECT_EQ(envelope.unknown[2], "entry[1].changes[0]: value.messages[1] has no string id");
    EXPECT_EQ(envelope.unknown[3], "entry[1].changes[0]: value.statuses[0] has no string id or status");
    EXPECT_EQ(envelope.unknown[4], "entry[1].changes[1]: change of account_update without an object value");
    EXPECT_EQ(envelope.unknown[5], "entry[1].changes[2]: change of account_update without an object value");
    EXPECT_EQ(envelope.unknown[6], "entry[1].changes[3]: change without a string field");
    EXPECT_EQ(envelope.unknown[7], "entry[1].changes[4]: messages change without messages, statuses or errors");
}

TEST(WireInbound, TreatsWrongTypedFieldsAsAbsent) {
    const Envelope envelope = split_fixture("wrong_types.json");
    ASSERT_EQ(envelope.outcome, EnvelopeOutcome::kOk);
    EXPECT_TRUE(envelope.unknown.empty());
    ASSERT_EQ(envelope.updates.size(), 8u);

    // Numeric `from`: falls back to the BSUID; object timestamp: 0; numeric body: empty.
    EXPECT_EQ(envelope.updates[0].member_key, kAliceBsuid);
    EXPECT_EQ(envelope.updates[0].timestamp, 0);
    const auto first = parse(envelope.updates[0]).message;
    ASSERT_TRUE(first.has_value());
    EXPECT_TRUE(first->sender.wa_id.empty());
    EXPECT_TRUE(first->sender.profile_name.empty());  // contacts is an object, not an array
    EXPECT_EQ(first->type, MessageType::kText);
    EXPECT_TRUE(first->text.empty());
    ASSERT_TRUE(first->context.has_value());
    EXPECT_TRUE(first->context->from.empty());
    EXPECT_TRUE(first->context->id.empty());
    EXPECT_FALSE(first->context->forwarded);
    EXPECT_TRUE(first->group_id.empty());
    EXPECT_TRUE(first->referral_source_url.empty());
    EXPECT_TRUE(first->errors.empty());

    const auto image = parse(envelope.updates[1]).message;
    EXPECT_EQ(envelope.updates[1].timestamp, 0);
    EXPECT_EQ(image->type, MessageType::kImage);
    EXPECT_FALSE(image->media.has_value());

    const auto location = parse(envelope.updates[2]).message;
    ASSERT_TRUE(location->location.has_value());
    EXPECT_EQ(location->location->latitude, 0.0);
    EXPECT_TRUE(location->location->name.empty());

    const auto button = parse(envelope.updates[3]).message;
    EXPECT_EQ(envelope.updates[3].timestamp, 0);  // negative
    EXPECT_EQ(button->interactive, InteractiveType::kButtonReply);
    EXPECT_TRUE(button->reply_id.empty());

    const auto order = parse(envelope.updates[4]).message;
    EXPECT_TRUE(order->order_catalog_id.empty());
    ASSERT_EQ(order->order_items.size(), 1u);
    EXPECT_EQ(order->order_items[0].quantity, 0);
    EXPECT_EQ(order->order_items[0].item_price, 0.0);

    const auto numeric_type = parse(envelope.updates[5]).message;
    EXPECT_EQ(numeric_type->type, MessageType::kUnknown);
    EXPECT_TRUE(numeric_type->type_name.empty());

    const auto contacts = parse(envelope.updates[6]).message;
    EXPECT_EQ(contacts->type, MessageType::kContacts);
    EXPECT_TRUE(contacts->contacts.empty());

    ASSERT_EQ(envelope.updates[7].kind, UpdateKind::kStatus);
    EXPECT_TRUE(envelope.updates[7].member_key.empty());
    const auto status = parse(envelope.updates[7]).status;
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(status->status, DeliveryStatus::kFailed);
    EXPECT_EQ(status->timestamp, 1767225600);  // a number is accepted too
    EXPECT_TRUE(status->recipient_id.empty());
    EXPECT_FALSE(status->billable);
    EXPECT_TRUE(status->pricing_category.empty());
    ASSERT_EQ(status->errors.size(), 1u);
    EXPECT_EQ(status->errors[0].code, 131026);  // digits in a string still read as the code
    EXPECT_TRUE(status->errors[0].title.empty());
}

// --- bodies that are not ours ---

TEST(WireInbound, ReportsNotJsonWhenBodyIsTruncated) {
    const Envelope envelope = split_fixture("bad_not_json.json");
    EXPECT_EQ(envelope.outcome, EnvelopeOutcome::kNotJson);
    EXPECT_TRUE(envelope.updates.empty());
    EXPECT_FALSE(envelope.error.empty());
}

TEST(WireInbound, ReportsNotJsonWhenBodyIsEmptyOrGarbage) {
    for (const char* body : {"", " ", "not json", "{\"object\":", "\xff\xfe{}", "{\"a\":\"\xc3\"}"}) {
        EXPECT_EQ(split_envelope(body).outcome, EnvelopeOutcome::kNotJson) << body;
    }
}

TEST(WireInbound, ReportsUnknownShapeWhenObjectIsNotWhatsApp) {
    const Envelope envelope = split_fixture("bad_wrong_object.json");
    EXPECT_EQ(envelope.outcome, EnvelopeOutcome::kUnknownShape);
    EXPECT_TRUE(envelope.updates.empty());
    EXPECT_NE(envelope.error.find("whatsapp_business_account"), std::string::npos);
}

TEST(WireInbound, ReportsUnknownShapeWhenEntryIsNotAnArray) {
    const Envelope envelope = split_fixture("bad_entry_not_array.json");
    EXPECT_EQ(envelope.outcome, EnvelopeOutcome::kUnknownShape);
    EXPECT_EQ(envelope.error, "entry is not an array");
}

TEST(WireInbound, ReportsUnknownShapeWhenNoEntryHasChanges) {
    const Envelope envelope = split_fixture("bad_entry_without_changes.json");
    EXPECT_EQ(envelope.outcome, EnvelopeOutcome::kUnknownShape);
    EXPECT_TRUE(envelope.updates.empty());
}

TEST(WireInbound, ReportsUnknownShapeWhenJsonIsNotAnEnvelope) {
    for (const char* body : {"[]", "42", "\"whatsapp_business_account\"", "null", "{}",
                             R"({"object":"whatsapp_business_account"})",
                             R"({"object":"whatsapp_business_account","entry":[]})",
                             R"({"object":1,"entry":[{"changes":[]}]})"}) {
        const Envelope envelope = split_envelope(body);
        EXPECT_EQ(envelope.outcome, EnvelopeOutcome::kUnknownShape) << body;
        EXPECT_FALSE(envelope.error.empty()) << body;
    }
}

TEST(WireInbound, AcceptsEnvelopeWithEmptyChanges) {
    const Envelope envelope = split_envelope(R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[]}]})");
    EXPECT_EQ(envelope.outcome, EnvelopeOutcome::kOk);
    EXPECT_TRUE(envelope.updates.empty());
    EXPECT_TRUE(envelope.unknown.empty());
}

TEST(WireInbound, RefusesWithoutCrashingWhenNestingIsHostile) {
    const std::string deep(1'000'000, '[');
    EXPECT_EQ(split_envelope(deep).outcome, EnvelopeOutcome::kNotJson);
    const std::string balanced = std::string(100'000, '[') + std::string(100'000, ']');
    EXPECT_EQ(split_envelope(balanced).outcome, EnvelopeOutcome::kUnknownShape);
    // Brackets inside strings do not count as nesting.
    const std::string in_string = R"({"object":"whatsapp_business_account","entry":[{"changes":[]}],"x":")" +
                                  std::string(1000, '[') + "\"}";
    EXPECT_EQ(split_envelope(in_string).outcome, EnvelopeOutcome::kOk);
}

TEST(WireInbound, NeverRefusesValidJsonTheFastParserCannotRead) {
    // An integer beyond 64 bits is valid JSON; the splitter's parser may not read it. Either way the body is
    // answered 200 (split, or kept whole in quarantine), never 400, which Meta would retry and then drop.
    const std::string big = R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[]}],)"
                            R"("n":123456789012345678901234567890123})";
    EXPECT_NE(split_envelope(big).outcome, EnvelopeOutcome::kNotJson);
    const std::string big_inside = R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{)"
                                   R"("field":"messages","value":{"messages":[{"id":"wamid.BIG","from":"1",)"
                                   R"("type":"text","text":{"body":"hi"},"n":-99999999999999999999999}]}}]}]})";
    const Envelope envelope = split_envelope(big_inside);
    EXPECT_NE(envelope.outcome, EnvelopeOutcome::kNotJson);
    if (envelope.outcome == EnvelopeOutcome::kUnknownShape) {
        EXPECT_NE(envelope.error.find("cannot read"), std::string::npos) << envelope.error;
    }
    // Broken UTF-8 and a truncated body are still not JSON.
    EXPECT_EQ(split_envelope("{\"object\":\"\xff\xfe\"}").outcome, EnvelopeOutcome::kNotJson);
    EXPECT_EQ(split_envelope(big.substr(0, big.size() - 1)).outcome, EnvelopeOutcome::kNotJson);
}

TEST(WireInbound, SplitsEveryCleanFixtureAndParsesEveryUpdate) {
    std::size_t files = 0;
    for (const auto& file : std::filesystem::directory_iterator(fixture_dir())) {
        const std::string name = file.path().filename().string();
        if (name.rfind("bad_", 0) == 0 || name == "partially_bad.json") {
            continue;
        }
        ++files;
        const Envelope envelope = split_fixture(name);
        ASSERT_EQ(envelope.outcome, EnvelopeOutcome::kOk) << name;
        EXPECT_FALSE(envelope.updates.empty()) << name;
        for (const RawUpdate& update : envelope.updates) {
            const auto parsed = parse_update(update.kind, update.json);
            ASSERT_TRUE(parsed.has_value()) << name;
            EXPECT_EQ(parsed->kind, update.kind) << name;
            EXPECT_FALSE(parsed->field.empty()) << name;
            if (update.kind == UpdateKind::kChange || update.kind == UpdateKind::kError) {
                const std::string_view key = update.dedupe_key;
                EXPECT_TRUE(is_sha256_hex(key.substr(key.rfind(':') + 1))) << name << " " << key;
            }
        }
    }
    EXPECT_GE(files, 45u);
}

TEST(WireInbound, ReturnsNulloptWhenJsonWasNotWrittenBySplit) {
    EXPECT_FALSE(parse_update(UpdateKind::kMessage, "not json").has_value());
    EXPECT_FALSE(parse_update(UpdateKind::kMessage, "[]").has_value());
    EXPECT_FALSE(parse_update(UpdateKind::kMessage, R"({"field":"messages","status":{}})").has_value());
    EXPECT_FALSE(parse_update(UpdateKind::kStatus, R"({"field":"messages","status":"read"})").has_value());
    EXPECT_FALSE(parse_update(UpdateKind::kError, R"({"field":"messages"})").has_value());
    EXPECT_FALSE(parse_update(UpdateKind::kChange, R"({"field":"x","value":[]})").has_value());
    EXPECT_FALSE(parse_update(static_cast<UpdateKind>(99), R"({"field":"x","value":{}})").has_value());
    EXPECT_TRUE(parse_update(UpdateKind::kMessage, R"({"message":{}})").has_value());
}

TEST(WireInbound, SplitsThousandUpdatesInOneBody) {
    nlohmann::json messages = nlohmann::json::array();
    nlohmann::json statuses = nlohmann::json::array();
    for (int i = 0; i < 500; ++i) {
        messages.push_back({{"from", "1650555" + std::to_string(1000 + i)},
                            {"id", "wamid.BULK" + std::to_string(i)},
                            {"timestamp", "1767225600"},
                            {"type", "text"},
                            {"text", {{"body", "message " + std::to_string(i)}}}});
        statuses.push_back({{"id", "wamid.OUT" + std::to_string(i)},
                            {"status", i % 2 == 0 ? "delivered" : "read"},
                            {"timestamp", 1767225600 + i},
                            {"recipient_id", "16505550102"}});
    }
    // A repeat of the first message at the end, as Meta's retries sometimes merge.
    messages.push_back(messages[0]);
    nlohmann::json value = nlohmann::json::object();
    value["messaging_product"] = "whatsapp";
    value["metadata"] = {{"display_phone_number", kBusiness}, {"phone_number_id", kPhoneNumberId}};
    value["messages"] = std::move(messages);
    value["statuses"] = std::move(statuses);
    nlohmann::json change = nlohmann::json::object();
    change["field"] = "messages";
    change["value"] = std::move(value);
    nlohmann::json entry = nlohmann::json::object();
    entry["id"] = "102290129340398";
    entry["changes"] = nlohmann::json::array({std::move(change)});
    nlohmann::json body = nlohmann::json::object();
    body["object"] = "whatsapp_business_account";
    body["entry"] = nlohmann::json::array({std::move(entry)});
    const Envelope envelope = split_envelope(body.dump());
    ASSERT_EQ(envelope.outcome, EnvelopeOutcome::kOk);
    ASSERT_EQ(envelope.updates.size(), 1000u);
    EXPECT_EQ(envelope.repeats_in_body, 1u);
    EXPECT_EQ(envelope.updates[499].dedupe_key, "m:wamid.BULK499");
    EXPECT_EQ(envelope.updates[499].member_key, "16505551499");
    EXPECT_EQ(envelope.updates[999].dedupe_key, "s:wamid.OUT499:read");
    EXPECT_EQ(envelope.updates[999].timestamp, 1767225600 + 499);
    EXPECT_EQ(parse(envelope.updates[250]).message->text, "message 250");
}

// --- make_*_webhook round trips ---

void expect_same_message(const core::InboundMessage& a, const core::InboundMessage& b) {
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.sender.wa_id, b.sender.wa_id);
    EXPECT_EQ(a.sender.user_id, b.sender.user_id);
    EXPECT_EQ(a.sender.parent_user_id, b.sender.parent_user_id);
    EXPECT_EQ(a.sender.profile_name, b.sender.profile_name);
    EXPECT_EQ(a.sender.username, b.sender.username);
    EXPECT_EQ(a.timestamp, b.timestamp);
    EXPECT_EQ(a.type, b.type);
    EXPECT_EQ(a.context.has_value(), b.context.has_value());
    if (a.context && b.context) {
        EXPECT_EQ(a.context->from, b.context->from);
        EXPECT_EQ(a.context->id, b.context->id);
        EXPECT_EQ(a.context->forwarded, b.context->forwarded);
        EXPECT_EQ(a.context->frequently_forwarded, b.context->frequently_forwarded);
    }
    EXPECT_EQ(a.group_id, b.group_id);
    EXPECT_EQ(a.text, b.text);
    EXPECT_EQ(a.interactive, b.interactive);
    EXPECT_EQ(a.reply_id, b.reply_id);
    EXPECT_EQ(a.reply_description, b.reply_description);
    EXPECT_EQ(a.flow_response_json, b.flow_response_json);
    EXPECT_EQ(a.media.has_value(), b.media.has_value());
    if (a.media && b.media) {
        EXPECT_EQ(a.media->id, b.media->id);
        EXPECT_EQ(a.media->mime_type, b.media->mime_type);
        EXPECT_EQ(a.media->sha256, b.media->sha256);
        EXPECT_EQ(a.media->caption, b.media->caption);
        EXPECT_EQ(a.media->filename, b.media->filename);
        EXPECT_EQ(a.media->url, b.media->url);
        EXPECT_EQ(a.media->voice, b.media->voice);
        EXPECT_EQ(a.media->animated, b.media->animated);
    }
    EXPECT_EQ(a.location.has_value(), b.location.has_value());
    if (a.location && b.location) {
        EXPECT_DOUBLE_EQ(a.location->latitude, b.location->latitude);
        EXPECT_DOUBLE_EQ(a.location->longitude, b.location->longitude);
        EXPECT_EQ(a.location->name, b.location->name);
        EXPECT_EQ(a.location->address, b.location->address);
        EXPECT_EQ(a.location->url, b.location->url);
    }
    ASSERT_EQ(a.contacts.size(), b.contacts.size());
    for (std::size_t i = 0; i < a.contacts.size(); ++i) {
        EXPECT_EQ(a.contacts[i].formatted_name, b.contacts[i].formatted_name);
        EXPECT_EQ(a.contacts[i].phones, b.contacts[i].phones);
        EXPECT_EQ(a.contacts[i].wa_ids, b.contacts[i].wa_ids);
    }
    EXPECT_EQ(a.reaction_message_id, b.reaction_message_id);
    EXPECT_EQ(a.reaction_emoji, b.reaction_emoji);
    EXPECT_EQ(a.original_message_id, b.original_message_id);
    EXPECT_EQ(a.system_type, b.system_type);
    EXPECT_EQ(a.new_wa_id, b.new_wa_id);
    EXPECT_EQ(a.order_catalog_id, b.order_catalog_id);
    ASSERT_EQ(a.order_items.size(), b.order_items.size());
    for (std::size_t i = 0; i < a.order_items.size(); ++i) {
        EXPECT_EQ(a.order_items[i].product_retailer_id, b.order_items[i].product_retailer_id);
        EXPECT_EQ(a.order_items[i].quantity, b.order_items[i].quantity);
        EXPECT_DOUBLE_EQ(a.order_items[i].item_price, b.order_items[i].item_price);
        EXPECT_EQ(a.order_items[i].currency, b.order_items[i].currency);
    }
    EXPECT_EQ(a.unsupported_type, b.unsupported_type);
    EXPECT_EQ(a.referral_source_url, b.referral_source_url);
    ASSERT_EQ(a.errors.size(), b.errors.size());
    for (std::size_t i = 0; i < a.errors.size(); ++i) {
        EXPECT_EQ(a.errors[i].code, b.errors[i].code);
        EXPECT_EQ(a.errors[i].title, b.errors[i].title);
        EXPECT_EQ(a.errors[i].message, b.errors[i].message);
        EXPECT_EQ(a.errors[i].details, b.errors[i].details);
        EXPECT_EQ(a.errors[i].href, b.errors[i].href);
    }
}

core::InboundMessage round_trip(const core::InboundMessage& message, std::string* body_out = nullptr) {
    const std::string body = make_message_webhook("102290129340398", kPhoneNumberId, kBusiness, message);
    if (body_out != nullptr) {
        *body_out = body;
    }
    const Envelope envelope = split_envelope(body);
    if (envelope.outcome != EnvelopeOutcome::kOk || envelope.updates.size() != 1 || !envelope.unknown.empty()) {
        throw std::runtime_error("made body did not split cleanly: " + body);
    }
    const RawUpdate& update = envelope.updates.front();
    if (update.dedupe_key != "m:" + message.id || update.member_key != message.sender.key() ||
        update.phone_number_id != kPhoneNumberId || update.timestamp != message.timestamp) {
        throw std::runtime_error("made body split into wrong envelope fields: " + body);
    }
    return *parse(update).message;
}

core::InboundMessage base_message(MessageType type, std::string type_name) {
    core::InboundMessage msg;
    msg.id = "wamid.ROUNDTRIP" + type_name;
    msg.sender.wa_id = kAlice;
    msg.sender.user_id = kAliceBsuid;
    msg.sender.parent_user_id = "US.ENT.11122233344455566677";
    msg.sender.profile_name = "Amina Wanjiru";
    msg.sender.username = "@amina";
    msg.timestamp = 1767225600;
    msg.type = type;
    msg.type_name = std::move(type_name);
    return msg;
}

TEST(WireInbound, RoundTripsTextWithContextReferralAndGroup) {
    auto msg = base_message(MessageType::kText, "text");
    msg.text = "Bei ya dhahabu leo? \xE2\x9C\xA8 \"quoted\" \\ slash";
    msg.context = core::ReplyContext{kBusiness, "wamid.QUOTED", true, true};
    msg.referral_source_url = "https://fb.me/ad";
    msg.group_id = "120363025246125888@g.us.FAKE";
    std::string body;
    expect_same_message(round_trip(msg, &body), msg);
    const auto json = nlohmann::json::parse(body);
    EXPECT_EQ(json["object"], "whatsapp_business_account");
    EXPECT_EQ(json["entry"][0]["id"], "102290129340398");
    const auto& value = json["entry"][0]["changes"][0]["value"];
    EXPECT_EQ(json["entry"][0]["changes"][0]["field"], "messages");
    EXPECT_EQ(value["messaging_product"], "whatsapp");
    EXPECT_EQ(value["metadata"]["display_phone_number"], kBusiness);
    EXPECT_EQ(value["contacts"][0]["profile"]["name"], "Amina Wanjiru");
    EXPECT_EQ(value["contacts"][0]["wa_id"], kAlice);
    EXPECT_EQ(value["contacts"][0]["user_id"], kAliceBsuid);
    EXPECT_TRUE(value["messages"][0]["timestamp"].is_string());
    EXPECT_EQ(value["messages"][0]["timestamp"], "1767225600");
}

TEST(WireInbound, OmitsFromWhenSenderIsBsuidOnly) {
    auto msg = base_message(MessageType::kText, "text");
    msg.sender.wa_id.clear();
    msg.text = "username user";
    std::string body;
    expect_same_message(round_trip(msg, &body), msg);
    const auto json = nlohmann::json::parse(body);
    const auto& value = json["entry"][0]["changes"][0]["value"];
    EXPECT_FALSE(value["messages"][0].contains("from"));
    EXPECT_EQ(value["messages"][0]["from_user_id"], kAliceBsuid);
    EXPECT_FALSE(value["contacts"][0].contains("wa_id"));
}

TEST(WireInbound, RoundTripsEveryMediaType) {
    const std::pair<MessageType, const char*> kinds[] = {{MessageType::kImage, "image"},
                                                         {MessageType::kVideo, "video"},
                                                         {MessageType::kDocument, "document"},
                                                         {MessageType::kAudio, "audio"},
                                                         {MessageType::kSticker, "sticker"}};
    for (const auto& [type, name] : kinds) {
        auto msg = base_message(type, name);
        core::MediaRef media;
        media.id = "1003383421387256";
        media.mime_type = "application/octet-stream";
        media.sha256 = "c2hh";
        media.url = "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1";
        if (type == MessageType::kImage || type == MessageType::kVideo || type == MessageType::kDocument) {
            media.caption = "caption";
        }
        if (type == MessageType::kDocument) {
            media.filename = "report.pdf";
        }
        media.voice = type == MessageType::kAudio;
        media.animated = type == MessageType::kSticker;
        msg.media = media;
        SCOPED_TRACE(name);
        expect_same_message(round_trip(msg), msg);
    }
}

TEST(WireInbound, RoundTripsLocationAndContacts) {
    auto location = base_message(MessageType::kLocation, "location");
    location.location = core::GeoLocation{-3.3869, 36.6830, "Mererani", "Simanjiro", "https://maps.example.com/m"};
    expect_same_message(round_trip(location), location);

    auto contacts = base_message(MessageType::kContacts, "contacts");
    contacts.contacts.push_back({"Joseph Mwita", {"+1 650-555-0105", "+1 650-555-0106"}, {"16505550105"}});
    contacts.contacts.push_back({"Buyer Desk", {"+254 700 000 107"}, {"254700000107"}});
    expect_same_message(round_trip(contacts), contacts);
}

TEST(WireInbound, RoundTripsEveryInteractiveReply) {
    auto button = base_message(MessageType::kInteractive, "interactive");
    button.interactive = InteractiveType::kButtonReply;
    button.reply_id = "rsvp:yes";
    button.text = "Yes";
    button.context = core::ReplyContext{kBusiness, "wamid.BUTTONS", false, false};
    expect_same_message(round_trip(button), button);

    auto list = base_message(MessageType::kInteractive, "interactive");
    list.interactive = InteractiveType::kListReply;
    list.reply_id = "room:geita";
    list.text = "Geita";
    list.reply_description = "Lake Zone";
    expect_same_message(round_trip(list), list);

    auto flow = base_message(MessageType::kInteractive, "interactive");
    flow.interactive = InteractiveType::kNfmReply;
    flow.text = "Sent";
    flow.flow_response_json = R"({"flow_token":"T","answer":"a \"b\""})";
    expect_same_message(round_trip(flow), flow);

    auto call = base_message(MessageType::kInteractive, "interactive");
    call.interactive = InteractiveType::kCallPermissionReply;
    call.reply_id = "reject";
    expect_same_message(round_trip(call), call);
}

TEST(WireInbound, RoundTripsButtonReactionAndOrder) {
    auto button = base_message(MessageType::kButton, "button");
    button.reply_id = "SUBSCRIBE_GOLD";
    button.text = "Subscribe";
    expect_same_message(round_trip(button), button);

    auto reaction = base_message(MessageType::kReaction, "reaction");
    reaction.reaction_message_id = "wamid.TARGET";
    reaction.reaction_emoji = "\xE2\x9D\xA4\xEF\xB8\x8F";
    expect_same_message(round_trip(reaction), reaction);
    reaction.reaction_emoji.clear();
    expect_same_message(round_trip(reaction), reaction);

    auto order = base_message(MessageType::kOrder, "order");
    order.order_catalog_id = "2143658709876543";
    order.text = "note";
    order.order_items.push_back({"retort-001", 2, 45.5, "USD"});
    order.order_items.push_back({"ppe-kit-07", 1, 12.25, "TZS"});
    expect_same_message(round_trip(order), order);
}

TEST(WireInbound, RoundTripsSystemUnsupportedEditRevokeWelcomeAndUnknown) {
    auto system = base_message(MessageType::kSystem, "system");
    system.sender.profile_name.clear();  // Meta sends no contacts[] with system messages
    system.sender.username.clear();
    system.sender.parent_user_id.clear();
    system.sender.user_id.clear();
    system.text = "User A changed from 16505551234 to 16505550199";
    system.system_type = "user_changed_number";
    system.new_wa_id = "16505550199";
    expect_same_message(round_trip(system), system);

    auto unsupported = base_message(MessageType::kUnsupported, "unsupported");
    unsupported.unsupported_type = "poll_creation";
    unsupported.errors.push_back({131051, "Message type unknown", "Message type unknown",
                                  "Message type is currently not supported.", "https://example.com/e"});
    expect_same_message(round_trip(unsupported), unsupported);

    auto edit = base_message(MessageType::kEdit, "edit");
    edit.original_message_id = "wamid.ORIGINAL";
    edit.text = "corrected";
    expect_same_message(round_trip(edit), edit);

    auto revoke = base_message(MessageType::kRevoke, "revoke");
    revoke.original_message_id = "wamid.ORIGINAL";
    expect_same_message(round_trip(revoke), revoke);

    auto welcome = base_message(MessageType::kRequestWelcome, "request_welcome");
    expect_same_message(round_trip(welcome), welcome);

    auto future = base_message(MessageType::kUnknown, "poll_vote");
    const auto back = round_trip(future);
    expect_same_message(back, future);
    EXPECT_EQ(back.type_name, "poll_vote");
}

TEST(WireInbound, RoundTripsStatusesWithPricingAndErrors) {
    core::StatusUpdate status;
    status.id = "wamid.OUTBOUND1";
    status.status = DeliveryStatus::kFailed;
    status.status_name = "failed";
    status.timestamp = 1767225660;
    status.recipient_id = "16505550102";
    status.recipient_user_id = "US.44410293847561029384";
    status.biz_opaque_callback_data = "outbox:42";
    status.pricing_category = "utility";
    status.pricing_type = "regular";
    status.billable = true;
    status.errors.push_back({131049, "not delivered", "not delivered", "ecosystem engagement", ""});
    const std::string body = make_status_webhook("102290129340398", kPhoneNumberId, kBusiness, status);
    const Envelope envelope = split_envelope(body);
    ASSERT_EQ(envelope.outcome, EnvelopeOutcome::kOk);
    ASSERT_EQ(envelope.updates.size(), 1u);
    EXPECT_EQ(envelope.updates[0].kind, UpdateKind::kStatus);
    EXPECT_EQ(envelope.updates[0].dedupe_key, "s:wamid.OUTBOUND1:failed");
    EXPECT_EQ(envelope.updates[0].member_key, "16505550102");
    EXPECT_EQ(envelope.updates[0].timestamp, 1767225660);
    const auto back = parse(envelope.updates[0]).status;
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->id, status.id);
    EXPECT_EQ(back->status, status.status);
    EXPECT_EQ(back->status_name, status.status_name);
    EXPECT_EQ(back->timestamp, status.timestamp);
    EXPECT_EQ(back->recipient_id, status.recipient_id);
    EXPECT_EQ(back->recipient_user_id, status.recipient_user_id);
    EXPECT_EQ(back->biz_opaque_callback_data, status.biz_opaque_callback_data);
    EXPECT_EQ(back->pricing_category, status.pricing_category);
    EXPECT_EQ(back->pricing_type, status.pricing_type);
    EXPECT_TRUE(back->billable);
    ASSERT_EQ(back->errors.size(), 1u);
    EXPECT_EQ(back->errors[0].code, 131049);
    EXPECT_EQ(back->errors[0].details, "ecosystem engagement");
    EXPECT_FALSE(nlohmann::json::parse(body)["entry"][0]["changes"][0]["value"].contains("contacts"));

    for (const auto kind : {DeliveryStatus::kSent, DeliveryStatus::kDelivered, DeliveryStatus::kRead,
                            DeliveryStatus::kPlayed, DeliveryStatus::kDeleted}) {
        core::StatusUpdate plain;
        plain.id = "wamid.OUTBOUND2";
        plain.status = kind;  // status_name left empty: the enum decides the wire name
        plain.timestamp = 1767225661;
        plain.recipient_id = "16505550102";
        const Envelope split = split_envelope(make_status_webhook("1", kPhoneNumberId, kBusiness, plain));
        ASSERT_EQ(split.updates.size(), 1u);
        const auto parsed = parse(split.updates[0]).status;
        EXPECT_EQ(parsed->status, kind);
        EXPECT_TRUE(parsed->pricing_category.empty());
    }
}

}  // namespace
}  // namespace delvex::whatsapp::wire
