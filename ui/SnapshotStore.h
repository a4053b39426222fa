// The latest model snapshot, published by the training thread and read by preview jobs. A mutex guards only the
// shared_ptr swap; the snapshot itself is immutable, so readers never wait on training.
#pragma once

#include "InferenceModel.h"

#include <memory>
#include <mutex>

namespace aestudio {

class SnapshotStore {
public:
    void publish(std::shared_ptr<const InferenceModel> model)
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_model = std::move(model);
    }
    std::shared_ptr<const InferenceModel> latest() const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_model;
    }

private:
    mutable std::mutex m_mutex;
    std::shared_ptr<const InferenceModel> m_model;
};

} // namespace aestudio
