#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <functional>
#include <memory>
#include <thread>

#include "bot/store/database.hpp"

namespace delvex::store {

/// The one thread that writes to SQLite. Every write transaction in the process runs here, so writers never
/// wait on SQLite's busy handler (which sleeps in milliseconds) and webhooks can be group-committed.
/// Jobs run in the order posted.
class DbWriter {
public:
    /// `niceness` above 0 lowers the thread's scheduling priority (setpriority), so that under a flood the
    /// threads answering webhooks run first and this one catches up after; 0 leaves it as it is.
    explicit DbWriter(store::DatabaseOptions options, int niceness = 0);
    ~DbWriter();

    DbWriter(const DbWriter&) = delete;
    DbWriter& operator=(const DbWriter&) = delete;

    /// Runs `job` on the writer thread, fire and forget. Exceptions are logged.
    void post(std::function<void(store::Database&)> job);

    /// Runs `job` on the writer thread and resumes the caller on its own executor with the result;
    /// an exception thrown by the job is rethrown in the caller.
    template <typename R>
    boost::asio::awaitable<R> run(std::function<R(store::Database&)> job) {
        return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(std::exception_ptr, R)>(
            [this](auto handler, std::function<R(store::Database&)> work) {
                auto h = std::make_shared<decltype(handler)>(std::move(handler));
                boost::asio::post(ioc_, [this, h, work = std::move(work)]() mutable {
                    std::exception_ptr error;
                    R result{};
                    try {
                        result = work(*db_);
                    } catch (...) {
                        error = std::current_exception();
                    }
                    auto ex = boost::asio::get_associated_executor(*h);
                    boost::asio::post(ex, [h, error, result = std::move(result)]() mutable {
                        std::move (*h)(error, std::move(result));
                    });
                });
            },
            boost::asio::use_awaitable, std::move(job));
    }

    /// Runs every job already posted, then stops the thread. Idempotent.
    void stop();

    /// The writer's executor (for timers that must fire on the writer thread).
    boost::asio::io_context::executor_type executor() { return ioc_.get_executor(); }

private:
    boost::asio::io_context ioc_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    std::unique_ptr<store::Database> db_;
    std::thread thread_;
};

}  // namespace delvex::store
