# Warnings for PruneLab's own targets. Third-party headers (Torch, Qt, OpenCV) come in as SYSTEM
# includes through their imported targets, so their warnings do not drown ours.
function(prunelab_set_warnings target)
    if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local
                                                 -Wnon-virtual-dtor -Wno-unused-parameter
                                                 -Wno-missing-field-initializers)
        if(PRUNELAB_WARNINGS_AS_ERRORS)
            target_compile_options(${target} PRIVATE -Werror)
        endif()
    endif()
endfunction()
