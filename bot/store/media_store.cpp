#include "bot/store/media_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace delvex::store {
namespace {

void private_dir(const std::string& path) {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) {
        throw std::runtime_error("media folder " + path + ": " + ec.message());
    }
    // Also when the folder was made earlier with looser rights.
    if (::chmod(path.c_str(), 0700) != 0) {
        throw std::runtime_error("media folder " + path + ": " + std::strerror(errno));
    }
}

}  // namespace

MediaStore::MediaStore(std::string dir) : dir_(std::move(dir)) {
    while (dir_.size() > 1 && dir_.ends_with('/')) {
        dir_.pop_back();
    }
}

std::string MediaStore::path_of(std::string_view sha) const {
    return dir_ + "/" + std::string(sha.substr(0, 2)) + "/" + std::string(sha);
}

std::string MediaStore::put(std::string_view sha, std::string_view bytes) const {
    if (sha.size() < 2 || sha.find_first_not_of("0123456789abcdef") != std::string_view::npos) {
        throw std::runtime_error("media store: not a sha256 hex digest");
    }
    private_dir(dir_);
    private_dir(dir_ + "/" + std::string(sha.substr(0, 2)));
    const std::string path = path_of(sha);
    std::error_code ec;
    if (std::filesystem::file_size(path, ec) == bytes.size() && !ec) {
        return path;  // the same content, kept already
    }
    const std::string tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw std::runtime_error("media store: cannot write " + tmp + ": " + std::strerror(errno));
    }
    std::size_t done = 0;
    while (done < bytes.size()) {
        const auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            const std::string why = std::strerror(errno);
            ::close(fd);
            ::unlink(tmp.c_str());
            throw std::runtime_error("media store: cannot write " + tmp + ": " + why);
        }
        done += static_cast<std::size_t>(n);
    }
    // On disk before its name says it is there: a crash leaves the old state or the whole file.
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!synced || ::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(tmp.c_str());
        throw std::runtime_error("media store: cannot keep " + path + ": " + why);
    }
    return path;
}

std::optional<std::string> MediaStore::read(const std::string& path, std::size_t max_bytes) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec || size > max_bytes) {
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    std::string bytes;
    bytes.reserve(size);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (bytes.size() != size) {
        return std::nullopt;
    }
    return bytes;
}

}  // namespace delvex::store
