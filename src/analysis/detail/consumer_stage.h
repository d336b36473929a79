#pragma once

// The fourth stage of a parallel run (AnalyzeOptions::consume_apart): the tracked batches, in
// capture order, handed to one thread that calls the run's consumers (on_message, the record
// sink) and then gives each batch back. For consumers that cost as much as tracking (the trace
// report: ladders, explanations, call detail, SDP), the tracking thread would otherwise wait
// on them; here the two overlap, and the calls and their order are those of an inline run.

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>

namespace sipdx::analysis::detail {

template <typename Batch>
class ConsumerStage {
public:
    // `consume(Batch&)` runs on the stage's thread, batch after batch in push order;
    // `release(Batch*)` then gives the batch back (also when a consume failed: the run stops
    // through `fail(std::exception_ptr)`, but no batch is lost, so no thread waits forever).
    template <typename Consume, typename Release, typename Fail>
    ConsumerStage(Consume consume, Release release, Fail fail)
        : m_thread([this, consume, release, fail]() mutable {
              bool failed = false;
              while (Batch* batch = next()) {
                  if (!failed) {
                      try {
                          consume(*batch);
                      } catch (...) {
                          failed = true;
                          fail(std::current_exception());
                      }
                  }
                  release(batch);
              }
          }) {}

    ConsumerStage(const ConsumerStage&) = delete;
    ConsumerStage& operator=(const ConsumerStage&) = delete;
    ~ConsumerStage() { finish(); }

    // The tracking thread: the next batch, in capture order.
    void push(Batch* batch) {
        {
            std::lock_guard lock(m_mutex);
            m_queue.push_back(batch);
        }
        m_ready.notify_one();
    }

    // Every batch pushed is consumed and given back when this returns.
    void finish() {
        {
            std::lock_guard lock(m_mutex);
            if (m_closed) return;
            m_closed = true;
        }
        m_ready.notify_one();
        if (m_thread.joinable()) m_thread.join();
    }

private:
    Batch* next() {
        std::unique_lock lock(m_mutex);
        m_ready.wait(lock, [this] { return m_closed || !m_queue.empty(); });
        if (m_queue.empty()) return nullptr; // closed and drained
        Batch* batch = m_queue.front();
        m_queue.pop_front();
        return batch;
    }

    std::mutex m_mutex;
    std::condition_variable m_ready;
    std::deque<Batch*> m_queue;
    bool m_closed = false;
    std::thread m_thread; // last: starts once the members it uses exist
};

} // namespace sipdx::analysis::detail
