// The dense autoencoder of the seed study: Linear+ReLU+Dropout per hidden layer, a linear latent, and a mirrored
// decoder ending in a Sigmoid so reconstructions live in the same [0,1] range as the pixels.
#pragma once

#include "TrainingConfig.h"

#include <torch/torch.h>

namespace aestudio {

struct AutoEncoderImpl : torch::nn::Module {
    explicit AutoEncoderImpl(const ModelSpec &spec);

    torch::Tensor forward(const torch::Tensor &x); // [N,784] in [0,1] -> [N,784] in [0,1]
    torch::Tensor encode(const torch::Tensor &x);  // [N,784] -> [N,latent]
    torch::Tensor decode(const torch::Tensor &z);  // [N,latent] -> [N,784]

    ModelSpec spec;
    torch::nn::Sequential encoder{nullptr};
    torch::nn::Sequential decoder{nullptr};
};
TORCH_MODULE(AutoEncoder);

// A new model whose initial weights come from `seed` alone, whatever other threads build or seed meanwhile: every
// model construction and every seeding of torch's global generator here takes one lock.
AutoEncoder seededModel(const ModelSpec &spec, std::uint64_t seed);
// torch::manual_seed(seed), under the same lock.
void seedGlobalGenerator(std::uint64_t seed);
// Copies parameter values in place (same architecture), so tensors that alias an optimizer's buffers stay valid.
void copyWeights(const AutoEncoder &from, AutoEncoder &to);
// A deep copy with the same weights, for previews that must not race the trainer.
AutoEncoder cloneModel(const AutoEncoder &model, const torch::Device &device);
std::int64_t parameterCount(const AutoEncoder &model);

} // namespace aestudio
