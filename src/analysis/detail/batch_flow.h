#pragma once

// How batches of messages move between the threads of a parallel run: one thread decodes (in
// capture order), workers parse (any order), and tracking takes them back in capture order.
//
// Hand-written rather than tbb::parallel_pipeline (measured need): TBB lets the thread that ran
// the serial decode stage for a batch carry that batch on through parsing, so on two cores the
// decoder, the longest serial stage, stood idle whenever both threads were parsing. Here the
// decoding thread decodes, and parses only when it is ahead (docs/performance.md, "Decisions").
// It never tracks: tracking stays on the workers, so the decoder is never held up behind a run
// of batches to track, and the tracker's state stays in the caches of the workers' cores.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <type_traits>
#include <vector>

namespace sipdx::analysis::detail {

// `Batch` needs a `std::uint64_t sequence` member and `clear()`.
template <typename Batch>
class BatchFlow {
public:
    // At most `in_flight` batches exist: that bounds memory when tracking falls behind.
    // With `decoder_parses_all` (one worker), the worker only tracks until the decoder closes
    // the flow: on two cores tracking is about half of a run, so the decoder parsing while the
    // worker tracks balances the two threads, where a worker that also parsed carried 70%.
    explicit BatchFlow(std::size_t in_flight, bool decoder_parses_all = false)
        : m_in_flight(in_flight < 2 ? 2 : in_flight), m_decoder_parses_all(decoder_parses_all) {}

    // Decoder: an empty batch to fill; nullptr once stopped. While every batch is in flight,
    // the decoder is ahead of the workers: it then takes a batch waiting to be parsed and
    // hands it to `help` (which parses it and calls parsed()), rather than sleep.
    template <typename Help>
    Batch* take_empty(Help&& help) {
        std::unique_lock lock(m_mutex);
        for (;;) {
            if (m_stopped) return nullptr;
            if (!m_empty.empty()) {
                Batch* b = m_empty.back();
                m_empty.pop_back();
                return b;
            }
            if (m_all.size() < m_in_flight) {
                m_all.push_back(std::make_unique<Batch>());
                return m_all.back().get();
            }
            if (!m_to_parse.empty()) {
                Batch* b = m_to_parse.front();
                m_to_parse.pop_front();
                lock.unlock();
                help(b);
                lock.lock();
                continue;
            }
            m_empty_ready.wait(lock);
        }
    }

    // Decoder: a filled batch, numbered here in the order batches are handed on.
    void hand_on(Batch* batch) {
        {
            std::lock_guard lock(m_mutex);
            batch->sequence = m_next_sequence++;
            m_to_parse.push_back(batch);
        }
        m_parse_ready.notify_one();
    }

    // Decoder: an unused batch goes back (the input ended while it was empty).
    void give_back(Batch* batch) {
        batch->clear();
        {
            std::lock_guard lock(m_mutex);
            m_empty.push_back(batch);
        }
        m_empty_ready.notify_one();
    }

    // Consumer: a batch that `track` kept is done with; it can be filled again.
    void release(Batch* batch) {
        batch->clear();
        {
            std::lock_guard lock(m_mutex);
            m_empty.push_back(batch);
        }
        m_empty_ready.notify_one();
    }

    // Decoder: nothing more will be handed on.
    void close() {
        {
            std::lock_guard lock(m_mutex);
            m_closed = true;
        }
        m_parse_ready.notify_all();
    }

    // Worker: the next batch to parse; nullptr when the flow is closed and drained, or stopped.
    // Batches the decoder parsed that are next in order and that no worker is tracking are
    // tracked here first.
    template <typename Track>
    Batch* next_to_parse(Track&& track) {
        std::unique_lock lock(m_mutex);
        for (;;) {
            m_parse_ready.wait(lock, [&] {
                return m_stopped || trackable() ||
                       (worker_may_parse() && (m_closed || !m_to_parse.empty()));
            });
            if (m_stopped) return nullptr;
            if (trackable()) {
                track_in_order(lock, track);
                continue;
            }
            if (m_to_parse.empty()) return nullptr; // closed, and nothing left to track
            Batch* b = m_to_parse.front();
            m_to_parse.pop_front();
            return b;
        }
    }

    // Decoder: `batch`, taken while helping, is parsed. Left for a worker to track (one is
    // woken when nobody is tracking).
    void parsed_by_decoder(Batch* batch) {
        bool wake = false;
        {
            std::lock_guard lock(m_mutex);
            wait_for_tracking(batch);
            wake = trackable();
        }
        if (wake) m_parse_ready.notify_one();
    }

    // Worker: `batch` is parsed. Tracks it and every parsed batch that follows it in order,
    // unless another worker is tracking already (that one then takes them). `track` runs on
    // one thread at a time, in sequence order; the mutex hand-over orders its memory effects.
    // It returns true when it kept the batch for a later stage, which then calls release().
    template <typename Track>
    void parsed(Batch* batch, Track&& track) {
        std::unique_lock lock(m_mutex);
        wait_for_tracking(batch);
        if (!m_tracking) track_in_order(lock, track);
    }

private:
    void wait_for_tracking(Batch* batch) {
        const auto slot = batch->sequence - m_next_to_track;
        if (m_waiting.size() <= slot) m_waiting.resize(slot + 1, nullptr);
        m_waiting[slot] = batch;
    }
    bool trackable() const { return !m_tracking && !m_waiting.empty() && m_waiting.front(); }
    bool worker_may_parse() const { return !m_decoder_parses_all || m_closed; }
    // With `lock` held and nobody tracking: tracks the parsed batches next in order.
    template <typename Track>
    void track_in_order(std::unique_lock<std::mutex>& lock, Track&& track) {
        m_tracking = true;
        while (!m_stopped && !m_waiting.empty() && m_waiting.front()) {
            Batch* next = m_waiting.front();
            m_waiting.pop_front();
            ++m_next_to_track;
            lock.unlock();
            bool kept = false; // kept: a later stage gives it back with release()
            if constexpr (std::is_void_v<std::invoke_result_t<Track&, Batch&>>)
                track(*next);
            else
                kept = track(*next);
            if (!kept) next->clear();
            lock.lock();
            if (!kept) {
                m_empty.push_back(next);
                m_empty_ready.notify_one();
            }
        }
        m_tracking = false;
    }

public:
    // Any thread: stop every thread at its next step, keeping the first error.
    void fail(std::exception_ptr error) {
        {
            std::lock_guard lock(m_mutex);
            if (!m_error) m_error = std::move(error);
            m_stopped = true;
        }
        m_empty_ready.notify_all();
        m_parse_ready.notify_all();
    }

    std::exception_ptr error() {
        std::lock_guard lock(m_mutex);
        return m_error;
    }

private:
    const std::size_t m_in_flight;
    const bool m_decoder_parses_all;
    std::mutex m_mutex;
    std::condition_variable m_empty_ready;
    std::condition_variable m_parse_ready;
    std::vector<std::unique_ptr<Batch>> m_all;
    std::vector<Batch*> m_empty;
    std::deque<Batch*> m_to_parse;
    std::deque<Batch*> m_waiting; // parsed, by sequence from m_next_to_track; null = not yet
    std::uint64_t m_next_sequence = 0;
    std::uint64_t m_next_to_track = 0;
    bool m_tracking = false;
    bool m_closed = false;
    bool m_stopped = false;
    std::exception_ptr m_error;
};

} // namespace sipdx::analysis::detail
