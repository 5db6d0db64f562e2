// What happens to a region's LLVM module between lowering and machine code:
// the optimisation pipeline (shared by the compile thread and the inspection
// below) and region_assembly(), which shows the host code for a region.
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/CommandLine.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Target/TargetOptions.h>
#include <llvm/TargetParser/Triple.h>
#include <llvm/Transforms/InstCombine/InstCombine.h>
#include <llvm/Transforms/Scalar/EarlyCSE.h>
#include <llvm/Transforms/Scalar/SROA.h>
#include <llvm/Transforms/Scalar/SimplifyCFG.h>

#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "jit/jit.h"
#include "jit/lower.h"

namespace kiln::jit {

void optimize_module(llvm::Module& m, bool quick) {
  // A short pipeline: each block's IR is already forwarded and folded by
  // Kiln's own passes. LLVM promotes the register cache (SROA) and, for code
  // the optimising code generator will see, cleans up the lowered memory
  // paths and the joins between a region's blocks. For fast code generation
  // SROA alone: the rest cost more (0.8 of 1.4 s in a boot) than the code gained.
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb;
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::FunctionPassManager fpm;
  fpm.addPass(llvm::SROAPass(llvm::SROAOptions::ModifyCFG));
  if (!quick) {
    fpm.addPass(llvm::EarlyCSEPass());
    fpm.addPass(llvm::InstCombinePass());
    fpm.addPass(llvm::SimplifyCFGPass());
  }
  for (llvm::Function& f : m)
    if (!f.isDeclaration()) fpm.run(f, fam);
}

void set_llvm_options() {
  static const bool done = [] {
    // Loop strength reduction rewrites a guest loop's induction registers
    // (already strength-reduced by the guest's compiler) into offsets from
    // their entry values: more live registers and an extra add per use.
    std::vector<std::string> words{"kiln", "-disable-lsr"};
    // Developers: LLVM's own options (-print-after-all, -x86-...), for experiments.
    if (const char* opts = std::getenv("KILN_LLVM_OPTS")) {
      std::istringstream in(opts);
      for (std::string w; in >> w;) words.push_back(w);
    }
    std::vector<const char*> argv;
    for (auto& w : words) argv.push_back(w.c_str());
    llvm::cl::ParseCommandLineOptions(int(argv.size()), argv.data());
    return true;
  }();
  (void)done;
}

llvm::CodeGenOptLevel codegen_level(std::span<const ir::Block* const> blocks) {
  return region_worth_optimizing(blocks) ? llvm::CodeGenOptLevel::Less : llvm::CodeGenOptLevel::None;
}

std::string region_assembly(std::span<const ir::Block* const> blocks, std::string* error, uint32_t entries) {
  // A fixed target, not the host's: the same IR must give the same code on
  // every machine the tests run on.
  static const bool initialized = [] {
    LLVMInitializeX86TargetInfo();
    LLVMInitializeX86Target();
    LLVMInitializeX86TargetMC();
    LLVMInitializeX86AsmPrinter();
    set_llvm_options();
    return true;
  }();
  (void)initialized;
  const llvm::Triple triple("x86_64-unknown-linux-gnu");
  std::string lookup_error;
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget(triple.getTriple(), lookup_error);
  if (!target) {
    *error = "no x86-64 target in this LLVM: " + lookup_error;
    return "";
  }
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple.getTriple(), "x86-64-v2", "", llvm::TargetOptions(), std::nullopt, std::nullopt, codegen_level(blocks)));
  llvm::LLVMContext ctx;
  llvm::Module mod("kiln", ctx);
  mod.setDataLayout(tm->createDataLayout());
  mod.setTargetTriple(triple.getTriple());
  LinkSlots links;  // so the chaining code is there, as in the JIT
  // Stand-ins for the session's thunks (only called, never run), as the session would use them.
  SlowPaths slow = codegen_level(blocks) == llvm::CodeGenOptLevel::None ? SlowPaths{} : SlowPaths{0x1000, 0x2000};
  if (!lower_region(blocks, mod, "region", &links, slow, false, entries, error)) return "";
  if (llvm::verifyModule(mod, &llvm::errs())) {
    *error = "the lowered module does not verify";
    return "";
  }
  optimize_module(mod, false);
  llvm::SmallString<4096> text;
  llvm::raw_svector_ostream os(text);
  llvm::legacy::PassManager pm;
  if (tm->addPassesToEmitFile(pm, os, nullptr, llvm::CodeGenFileType::AssemblyFile)) {
    *error = "LLVM cannot emit assembly for x86-64";
    return "";
  }
  pm.run(mod);
  return std::string(text.str());
}

}  // namespace kiln::jit
