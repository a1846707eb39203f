#include "stub/session.hpp"

#include <string>

#include "stub/dispatch.hpp"
#include "stub/handlers.hpp"

namespace rspstub::stub {

Session::Session(Target& target, const SessionConfig& config, Logger& log)
    : target_(target),
      config_(config),
      log_(log),
      decoder_(config.packet_size),
      read_ahead_(config.stream_chunk) {}

Session::Session(platform::Process& process, const SessionConfig& config, Logger& log)
    : own_target_(std::in_place, process),
      target_(*own_target_),
      config_(config),
      log_(log),
      decoder_(config.packet_size),
      read_ahead_(config.stream_chunk) {}

Session::Step Session::reply_step(std::size_t consumed, bool close) {
  reply_.finish();
  resendable_ = true;
  if (log_.packets_enabled()) log_.packet("->", reply_.wire());
  return {consumed, reply_.wire(), close};
}

Session::Step Session::feed(std::span<const char> in) {
  using protocol::FrameEvent;
  const auto [consumed, event] = decoder_.feed(in);
  // Anything but a packet's completion or an ack ends a speculation (see speculate()).
  if (event != FrameEvent::none && event != FrameEvent::ack && event != FrameEvent::packet)
    speculation_.drop();
  switch (event) {
    case FrameEvent::none:
    case FrameEvent::ack:
      return {consumed, {}, false};
    case FrameEvent::interrupt:
      if (platform::Debuggee* d = target_.debuggee(); d != nullptr && target_.running()) {
        log_.log(LogLevel::debug, "interrupt (0x03): stopping the process");
        if (auto e = d->interrupt(); e != platform::Error::none)
          log_.log(LogLevel::warn, "interrupt failed: " + std::string(platform::to_string(e)));
        return {consumed, {}, false};
      }
      // Inspection mode never runs the target on the client's behalf: nothing to interrupt.
      log_.log(LogLevel::debug, "interrupt (0x03) ignored: the target is not running under us");
      return {consumed, {}, false};
    case FrameEvent::nack:
      // Send the last reply again (without its ack). Nothing sent yet: nothing to repeat.
      if (!resendable_ || state_.no_ack) return {consumed, {}, false};
      if (log_.packets_enabled()) log_.packet("->", reply_.packet());
      return {consumed, reply_.packet(), false};
    case FrameEvent::bad_checksum:
      log_.log(LogLevel::debug, "packet with a bad checksum");  // debug: a flood must not block on stderr
      if (!state_.no_ack) return {consumed, "-", false};  // ask for it again
      // Without acks nobody would resend: answer with an error so the client is not left waiting.
      reply_.begin(false);
      reply_.put_error(protocol::ErrorCode::malformed, state_.error_style);
      return reply_step(consumed);
    case FrameEvent::malformed:
      // Acked (it arrived intact) and answered, so the client is never left waiting.
      reply_.begin(!state_.no_ack);
      reply_.put_error(protocol::ErrorCode::malformed, state_.error_style);
      return reply_step(consumed);
    case FrameEvent::overflow:
      log_.log(LogLevel::error, "client sent a packet larger than PacketSize (" +
                                    std::to_string(config_.packet_size) +
                                    " bytes); closing the connection");
      reply_.begin(false);  // not acked: the packet was not accepted
      reply_.put_error(protocol::ErrorCode::too_large, state_.error_style);
      return reply_step(consumed, true);
    case FrameEvent::packet:
      break;
  }
  const std::string_view payload = decoder_.payload();
  if (log_.packets_enabled()) log_.packet("<-", payload);
  const bool was_awaiting = state_.awaiting_stop;
  reply_.begin(!state_.no_ack);
  handle_packet(payload);
  speculation_.end_request();
  if (state_.no_reply) {
    // Only the ack: the client reads nothing after this packet.
    state_.no_reply = false;
    resendable_ = false;
    return {consumed, state_.no_ack ? std::string_view{} : std::string_view{"+"}, false};
  }
  if (state_.streamed_read.remaining != 0) {
    resendable_ = false;  // only the last piece would be left to resend
    return {consumed, reply_.take_partial(), false, true};
  }
  if (state_.awaiting_stop && !was_awaiting) {
    // A resume was accepted: only the ack now; the stop reply follows from target_stopped().
    resendable_ = false;
    return {consumed, state_.no_ack ? std::string_view{} : std::string_view{"+"}, false};
  }
  return reply_step(consumed, state_.close_after_reply);
}

Session::Step Session::target_stopped() {
  speculation_.drop();  // the process ran
  if (!state_.awaiting_stop || !target_.last_stop()) return {};
  state_.awaiting_stop = false;
  const platform::StopEvent event = *target_.last_stop();
  reply_.begin(false);
  Context ctx{target_, target_.process(), config_, state_, reply_, log_, read_ahead_,
              speculation_};
  ctx.put_stop_event(event);
  if (event.kind == platform::StopEvent::Kind::stopped) {
    state_.general_thread = event.tid;  // g/p without Hg now mean the thread that stopped
  } else {
    target_.set_end_reported();
  }
  return reply_step(0);
}

Session::Step Session::continue_reply() {
  if (state_.streamed_read.remaining == 0) return {};
  reply_.continue_packet();
  Context ctx{target_, target_.process(), config_, state_, reply_, log_, read_ahead_,
              speculation_};
  if (handlers::continue_streamed_read(ctx)) return {0, reply_.take_partial(), false, true};
  reply_.finish();
  return {0, reply_.wire(), false, false};
}

void Session::abandon_reply() {
  read_ahead_.drop();
  speculation_.drop();
  state_.streamed_read = {};
}

void Session::speculate() {
  if (!speculation_.expecting()) return;
  // Only while the process is stopped under our control (in --no-stop mode it runs), between
  // whole replies, and only where reads are streamed the same way (no acks, no packet log).
  if (!config_.speculative_reads || state_.streamed_read.remaining != 0 || !state_.no_ack ||
      log_.packets_enabled() || target_.running() || target_.debuggee() == nullptr ||
      !target_.debuggee()->stopped()) {
    speculation_.drop();
    return;
  }
  read_ahead_.drop();  // nothing is in flight between replies; the process is ours alone
  speculation_.prepare(target_.process(), config_.stream_chunk, config_.speculation_max_age);
}

void Session::handle_packet(std::string_view payload) {
  std::string_view args;
  Context ctx{target_, target_.process(), config_, state_, reply_, log_, read_ahead_,
              speculation_};
  if (const DispatchEntry* entry = find_handler(payload, args)) {
    entry->handler(ctx, args);
  } else if (log_.enabled(LogLevel::debug)) {
    // Unknown packet: the empty reply means "not supported".
    log_.log(LogLevel::debug,
             "unsupported packet: " + std::string(payload.substr(0, 64)));
  }
}

}  // namespace rspstub::stub
