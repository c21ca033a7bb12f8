#pragma once

// Runs one coroutine on a test's io_context under a deadline: a hang fails the test instead of blocking it.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <exception>
#include <memory>
#include <optional>

namespace delvex::test {

template <class T>
std::optional<T> run_until_done(boost::asio::io_context& ioc, boost::asio::awaitable<T> task,
                                std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
    struct State {
        std::optional<T> result;
        std::exception_ptr failure;
        bool done = false;
    };
    // Shared, so that a task still pending after the deadline never writes into a dead stack frame.
    auto state = std::make_shared<State>();
    boost::asio::co_spawn(ioc, std::move(task), [state, &ioc](std::exception_ptr e, T value) {
        state->failure = e;
        if (!e) {
            state->result = std::move(value);
        }
        state->done = true;
        ioc.stop();  // the fake server keeps the context busy forever; stop as soon as the task is done
    });
    ioc.restart();
    ioc.run_for(deadline);
    if (state->failure) {
        std::rethrow_exception(state->failure);
    }
    if (!state->done) {
        ADD_FAILURE() << "coroutine did not finish within " << deadline.count() << " ms";
    }
    return std::move(state->result);
}

}  // namespace delvex::test
