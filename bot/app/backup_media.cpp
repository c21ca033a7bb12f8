#include "bot/app/backup_media.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <stdexcept>

namespace delvex::app {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(what);
}

void private_dir(const std::string& path) {
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
        fail("cannot create " + path + ": " + std::strerror(errno));
    }
    if (::chmod(path.c_str(), 0700) != 0) {  // whatever the umask
        fail("cannot make " + path + " owner-only: " + std::strerror(errno));
    }
}

void sync_dir(const std::string& path) {
    sync_path(path, O_RDONLY | O_DIRECTORY);
}

/// A name the media folder uses (hex digits only): nothing in a stored path can lead outside the copy.
bool hex_name(const std::string& name) {
    return !name.empty() && name.find_first_not_of("0123456789abcdef") == std::string::npos;
}

/// Copies one file; false when the source is gone. Returns its size through `bytes`.
bool copy_one(const std::string& from, const std::string& to, std::uintmax_t& bytes) {
    const int in = ::open(from.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0 && errno == ENOENT) {
        return false;
    }
    if (in < 0) {
        fail("cannot read media file " + from + ": " + std::strerror(errno));
    }
    struct Closer {
        int fd;
        ~Closer() {
            if (fd >= 0) {
                ::close(fd);
            }
        }
    } in_closer{in};
    const int out = ::open(to.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (out < 0) {
        fail("cannot create " + to + ": " + std::strerror(errno));
    }
    Closer out_closer{out};
    ::fchmod(out, 0600);
    char buffer[1 << 16];
    for (;;) {
        const ssize_t n = ::read(in, buffer, sizeof(buffer));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            fail("cannot read media file " + from + ": " + std::strerror(errno));
        }
        if (n == 0) {
            break;
        }
        for (ssize_t done = 0; done < n;) {
            const ssize_t w = ::write(out, buffer + done, static_cast<std::size_t>(n - done));
            if (w < 0 && errno == EINTR) {
                continue;
            }
            if (w < 0) {
                fail("cannot write " + to + ": " + std::strerror(errno));
            }
            done += w;
        }
        bytes += static_cast<std::uintmax_t>(n);
    }
    if (::fsync(out) != 0) {
        fail("cannot sync " + to + ": " + std::strerror(errno));
    }
    return true;
}

}  // namespace

MediaCopyReport copy_media_files(const std::vector<std::string>& paths, const std::string& partial_dir) {
    std::error_code ec;
    fs::remove_all(partial_dir, ec);
    if (ec) {
        fail("cannot remove the leftover " + partial_dir + ": " + ec.message());
    }
    private_dir(partial_dir);
    MediaCopyReport report;
    std::set<std::string> made;  // subfolders made, to sync them once
    std::set<std::string> copied;
    for (const auto& path : paths) {
        const fs::path p(path);
        const std::string file = p.filename().string();
        const std::string sub = p.parent_path().filename().string();
        if (!hex_name(file) || !hex_name(sub)) {
            fail("media file " + path + " is not where the media folder keeps files (<xx>/<sha256>)");
        }
        const std::string relative = sub + "/" + file;
        if (!copied.insert(relative).second) {
            continue;  // the same content named twice (the folder moved): one copy
        }
        const std::string folder = partial_dir + "/" + sub;
        if (made.insert(folder).second) {
            private_dir(folder);
        }
        std::uintmax_t size = 0;
        if (copy_one(path, partial_dir + "/" + relative, size)) {
            ++report.files;
            report.bytes += size;
        } else {
            ++report.missing;
        }
    }
    for (const auto& folder : made) {
        sync_dir(folder);
    }
    sync_dir(partial_dir);
    return report;
}

void install_media_folder(const std::string& partial_dir, const std::string& final_dir) {
    std::error_code ec;
    if (fs::exists(fs::symlink_status(final_dir, ec))) {
        if (!fs::is_directory(fs::symlink_status(final_dir, ec))) {
            fail(final_dir + " is there and is not a folder");
        }
        // Both names stay whole at every instant: the new folder takes the final name, the old one the
        // partial name, which is then deleted.
        if (::renameat2(AT_FDCWD, partial_dir.c_str(), AT_FDCWD, final_dir.c_str(), RENAME_EXCHANGE) != 0) {
            if (errno != EINVAL && errno != ENOSYS) {
                fail("cannot put " + partial_dir + " in place of " + final_dir + ": " + std::strerror(errno));
            }
            // A file system without the exchange: the old folder steps aside first (a crash in between
            // leaves the old copy under "<final>.old" and the new one under the partial name).
            const std::string old = final_dir + ".old";
            fs::remove_all(old, ec);
            if (::rename(final_dir.c_str(), old.c_str()) != 0 || ::rename(partial_dir.c_str(), final_dir.c_str()) != 0) {
                fail("cannot put " + partial_dir + " in place of " + final_dir + ": " + std::strerror(errno));
            }
            fs::remove_all(old, ec);
        }
        fs::remove_all(partial_dir, ec);
        if (ec) {
            fail("cannot remove the previous media copy (now " + partial_dir + "): " + ec.message());
        }
    } else if (::rename(partial_dir.c_str(), final_dir.c_str()) != 0) {
        fail("cannot rename " + partial_dir + " to " + final_dir + ": " + std::strerror(errno));
    }
    const auto parent = fs::absolute(final_dir, ec).parent_path().string();
    sync_dir(parent);
}

void sync_path(const std::string& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) {
        throw std::runtime_error("cannot open " + path + " to sync it: " + std::strerror(errno));
    }
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) {
        throw std::runtime_error("cannot sync " + path + ": " + std::strerror(errno));
    }
}

}  // namespace delvex::app
