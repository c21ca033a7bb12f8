#include "bot/events/db_writer.hpp"

#include <pthread.h>
#include <spdlog/spdlog.h>

namespace delvex::events {

DbWriter::DbWriter(store::DatabaseOptions options)
    : work_(boost::asio::make_work_guard(ioc_)), db_(std::make_unique<store::Database>(std::move(options))) {
    thread_ = std::thread([this] {
        ::pthread_setname_np(::pthread_self(), "delvex-db");
        for (;;) {
            try {
                ioc_.run();
                return;
            } catch (const std::exception& e) {
                spdlog::error("db-writer job failed: {}", e.what());
            }
        }
    });
}

DbWriter::~DbWriter() {
    stop();
}

void DbWriter::post(std::function<void(store::Database&)> job) {
    boost::asio::post(ioc_, [this, job = std::move(job)] { job(*db_); });
}

void DbWriter::stop() {
    if (!thread_.joinable()) {
        return;
    }
    work_.reset();
    thread_.join();
}

}  // namespace delvex::events
