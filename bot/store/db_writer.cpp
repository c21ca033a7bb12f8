#include "bot/store/db_writer.hpp"

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <spdlog/spdlog.h>

namespace delvex::store {

DbWriter::DbWriter(store::DatabaseOptions options, int niceness)
    : work_(boost::asio::make_work_guard(ioc_)), db_(std::make_unique<store::Database>(std::move(options))) {
    thread_ = std::thread([this, niceness] {
        ::pthread_setname_np(::pthread_self(), "delvex-db");
        // On Linux a thread's nice value is its own (setpriority on its thread id).
        if (niceness > 0 && ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), niceness) != 0) {
            spdlog::warn("db-writer: cannot lower its priority: {}", std::strerror(errno));
        }
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

}  // namespace delvex::store
